import { Composer, InlineKeyboard } from "grammy";
import { API_KEY_PATTERN, PASSPHRASE_PATTERN, SECRET_PATTERN } from "../../domain/key-format.js";
import type { OkxClient, OkxCredentials } from "../../okx/client.js";
import { REGION_NAMES } from "../../okx/regions.js";
import { checkKey, type KeyCheck } from "../../services/key-check.js";
import type { CredentialStore } from "../../store/credentials.js";
import { cancelData, nextAnswer } from "../answers.js";
import type { BotContext, BotConversation, ConversationContext } from "../context.js";
import { escapeHtml } from "../html.js";

export const CONNECT = "connect";
const CANCEL = cancelData("connect");
const STORE = "connect:store";
const ENVIRONMENT = /^connect:env:(live|demo)$/;

export interface ConnectDependencies {
  okx: OkxClient;
  credentials: CredentialStore;
  /** Starts loading the account's history in the background as soon as the key is stored. */
  loadHistory: (uid: string, credentials: OkxCredentials) => void;
}

type Step = "key" | "secret" | "passphrase" | "environment" | "check";
type Failure = Extract<KeyCheck, { ok: false }>;

const cancelKeyboard = (ctx: ConversationContext) => new InlineKeyboard().text(ctx.t("button-cancel"), CANCEL);

/** Asks for one secret part; deletes every message that carried text as soon as it is read. */
async function askSecret(
  conversation: BotConversation,
  ctx: ConversationContext,
  prompt: string | undefined,
  pattern: RegExp,
  formatProblem: string,
): Promise<string> {
  if (prompt !== undefined) await ctx.reply(prompt, { parse_mode: "HTML", reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx, CONNECT);
    if (answer.callbackQuery !== undefined) {
      await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
      continue;
    }
    const text = answer.message?.text;
    if (answer.message === undefined) continue;
    if (text === undefined) {
      await answer.reply(ctx.t("connect-text-only"));
      continue;
    }
    await answer.deleteMessage().catch(() => undefined);
    const value = text.trim();
    if (pattern.test(value)) return value;
    await answer.reply(ctx.t(formatProblem), { reply_markup: cancelKeyboard(ctx) });
  }
}

async function askEnvironment(conversation: BotConversation, ctx: ConversationContext, prompt: string): Promise<boolean> {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("button-live"), "connect:env:live")
    .text(ctx.t("button-demo"), "connect:env:demo")
    .row()
    .text(ctx.t("button-cancel"), CANCEL);
  const question = await ctx.reply(prompt, { reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx, CONNECT);
    const choice = ENVIRONMENT.exec(answer.callbackQuery?.data ?? "")?.[1];
    if (choice !== undefined && answer.callbackQuery?.message?.message_id === question.message_id) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup().catch(() => undefined);
      return choice === "demo";
    }
    if (answer.callbackQuery !== undefined) {
      await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
    } else if (answer.message !== undefined) {
      await answer.deleteMessage().catch(() => undefined);
      await answer.reply(ctx.t("connect-choose-env"));
    }
  }
}

async function confirmTrading(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
  const keyboard = new InlineKeyboard().text(ctx.t("button-store-anyway"), STORE).text(ctx.t("button-cancel"), CANCEL);
  const question = await ctx.reply(ctx.t("connect-warn-trade"), { reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx, CONNECT);
    if (answer.callbackQuery?.data === STORE && answer.callbackQuery.message?.message_id === question.message_id) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    if (answer.callbackQuery !== undefined) await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
  }
}

/** What to say about a failed check, and which answer to ask for again (none: the conversation ends). */
function explainFailure(ctx: ConversationContext, failure: Failure, demo: boolean): { text: string; retry?: Step } {
  const code = escapeHtml(failure.code);
  switch (failure.category) {
    case "bad-key":
    case "key-unknown":
      return { text: ctx.t("connect-failed-bad-key", { code }), retry: "key" };
    case "bad-signature":
      return { text: ctx.t("connect-failed-bad-signature", { code }), retry: "secret" };
    case "bad-passphrase":
      return { text: ctx.t("connect-failed-bad-passphrase", { code }), retry: "passphrase" };
    case "wrong-environment":
      return { text: ctx.t("connect-failed-wrong-environment", { code, env: ctx.t(demo ? "env-demo" : "env-live") }), retry: "environment" };
    case "ip-not-allowed":
      return { text: ctx.t("connect-failed-ip", { code }) };
    case "permission":
      return { text: ctx.t("connect-failed-permission", { code }) };
    case "account-restricted":
      return { text: ctx.t("connect-failed-restricted", { code, message: escapeHtml(failure.message) }) };
    case "internal":
      return { text: ctx.t("error-storage") };
    default:
      return { text: ctx.t("connect-failed-unavailable", { code }) };
  }
}

/** `/connect`: key, secret, passphrase, live or demo; checked with OKX before anything is stored. */
export function connectConversation(dependencies: ConnectDependencies) {
  return async function connect(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const userId = ctx.from!.id;
    const replaced = await conversation.external(() =>
      dependencies.credentials.load(userId).then(
        (connection) => connection?.maskedKey,
        () => undefined,
      ),
    );
    if (replaced !== undefined) await ctx.reply(ctx.t("connect-replaces", { mask: replaced }));

    const draft = { apiKey: "", secret: "", passphrase: "", demo: false };
    let step: Step = "key";
    let reprompt: string | undefined;
    for (;;) {
      if (step === "key") {
        draft.apiKey = await askSecret(conversation, ctx, reprompt ?? ctx.t("connect-step-key"), API_KEY_PATTERN, "connect-bad-key-format");
        step = reprompt === undefined ? "secret" : "check";
      } else if (step === "secret") {
        draft.secret = await askSecret(conversation, ctx, reprompt ?? ctx.t("connect-step-secret"), SECRET_PATTERN, "connect-bad-secret-format");
        step = reprompt === undefined ? "passphrase" : "check";
      } else if (step === "passphrase") {
        draft.passphrase = await askSecret(
          conversation,
          ctx,
          reprompt ?? ctx.t("connect-step-passphrase"),
          PASSPHRASE_PATTERN,
          "connect-bad-passphrase-format",
        );
        step = reprompt === undefined ? "environment" : "check";
      } else if (step === "environment") {
        draft.demo = await askEnvironment(conversation, ctx, reprompt ?? ctx.t("connect-step-env"));
        step = "check";
      } else {
        await ctx.reply(ctx.t("connect-checking"));
        const check = await conversation.external(() => checkKey(dependencies.okx, { ...draft, region: "global" }));
        if (!check.ok) {
          const { text, retry } = explainFailure(ctx, check, draft.demo);
          if (retry === undefined) {
            await ctx.reply(text, { parse_mode: "HTML" });
            return;
          }
          step = retry;
          reprompt = text;
          continue;
        }
        if (check.excess.includes("withdraw")) {
          await ctx.reply(ctx.t("connect-refused-withdraw"));
          return;
        }
        if (check.excess.length > 0) await confirmTrading(conversation, ctx);
        if (check.triedRegions.length > 0) await ctx.reply(ctx.t("connect-region-found", { region: REGION_NAMES[check.region] }));

        const info = {
          uid: check.uid,
          label: check.label,
          permissions: check.permissions,
          region: check.region,
          demo: draft.demo,
          connectedAt: await conversation.now(),
        };
        const saved = await conversation.external(() =>
          dependencies.credentials.save(userId, { ...draft, region: check.region }, info).then(
            () => {
              dependencies.loadHistory(check.uid, { ...draft, region: check.region });
              return true;
            },
            () => false,
          ),
        );
        if (!saved) {
          await ctx.reply(ctx.t("connect-store-failed"));
          return;
        }
        await ctx.reply(
          ctx.t("connect-done", {
            label: escapeHtml(check.label || "—"),
            env: ctx.t(draft.demo ? "env-demo" : "env-live"),
            permissions: escapeHtml(check.permissions.join(", ")),
            region: REGION_NAMES[check.region],
          }),
          { parse_mode: "HTML" },
        );
        return;
      }
      reprompt = undefined;
    }
  };
}

/** `/connect` opens the conversation in a private chat, and never asks for a secret anywhere else. */
export function connectFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");
  privateChats.command("connect", async (ctx) => {
    if (ctx.conversation.active(CONNECT) > 0) {
      await ctx.reply(ctx.t("connect-busy"));
      return;
    }
    await ctx.conversation.enter(CONNECT);
  });
  privateChats.command("start", async (ctx, next) => {
    if (ctx.match !== "connect") return next();
    if (ctx.conversation.active(CONNECT) === 0) await ctx.conversation.enter(CONNECT);
  });
  feature.chatType(["group", "supergroup"]).command(["connect", "status", "disconnect"], (ctx) =>
    ctx.reply(ctx.t("connect-private-only", { link: `https://t.me/${ctx.me.username}?start=connect` }), {
      reply_parameters: { message_id: ctx.msg.message_id },
    }),
  );
  return feature;
}
