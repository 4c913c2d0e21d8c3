import { Composer, InlineKeyboard } from "grammy";
import { API_KEY_PATTERN, looksLikeSecret, passphraseProblem, SECRET_PATTERN } from "../../domain/key-format.js";
import type { OkxCredentials } from "../../domain/api-key.js";
import { REGION_NAMES } from "../../okx/regions.js";
import type { KeyCheck } from "../../services/key-check.js";
import type { CredentialStore } from "../../store/credentials.js";
import { CANCEL, connectButton } from "../buttons.js";
import { COMMANDS } from "../commands.js";
import type { BotContext, BotConversation, ConversationContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { privateOnly } from "../private-only.js";

export const CONNECT = "connect";

export interface ConnectDependencies {
  /** Asks OKX what the key may do, and which account and region it is of. */
  checkKey: (draft: OkxCredentials) => Promise<KeyCheck>;
  credentials: Pick<CredentialStore, "accounts" | "save">;
  /** Starts loading the account's history in the background as soon as the key is stored. */
  loadHistory: (uid: string, credentials: OkxCredentials) => void;
}

type Step = "key" | "secret" | "passphrase" | "environment" | "check";
type Failure = Extract<KeyCheck, { ok: false }>;

const BOT_COMMANDS = [...COMMANDS];

const cancelKeyboard = (ctx: ConversationContext) => new InlineKeyboard().text(ctx.t("button-cancel"), connectButton.data(CANCEL));

/**
 * The next update meant for /connect, once what every step does alike is done. Every message the person
 * sends while /connect runs, new or edited, text or not, is deleted as soon as it arrives, before anything
 * else happens: whatever fails after, it is gone (the error boundary deletes it too when the conversation
 * could not run; see `secrets.ts`). At a secret step every text is the answer, commands included (a
 * passphrase may begin with "/"; the cancel feature takes `/cancel` alone before this); between the secret
 * steps one of the bot's commands (with no key or secret in it) passes on to the rest of the bot, is answered and stays, and the
 * conversation waits on (`/cancel` with more after it cancels), while any other text, `/Secret#1` sent once
 * more included, is deleted.
 * An edit answers nothing. Buttons of other features pass on; Cancel ends the conversation.
 */
async function nextUpdate(conversation: BotConversation, ctx: ConversationContext, secretStep: boolean): Promise<ConversationContext> {
  for (;;) {
    const answer = await conversation.wait();
    const data = answer.callbackQuery?.data;
    const pressed = data === undefined ? undefined : connectButton.read(data);
    // A command carrying a key or secret is no command here: it is deleted like any other text.
    const command = !secretStep && answer.hasCommand(BOT_COMMANDS) && !looksLikeSecret(answer.message?.text ?? "");
    if (pressed === CANCEL || (command && answer.hasCommand("cancel"))) {
      if (pressed === CANCEL) await answer.answerCallbackQuery();
      await answer.reply(ctx.t("cancel-done"));
      return conversation.halt();
    }
    if ((data !== undefined && !connectButton.names(data)) || command) return conversation.skip({ next: true });
    const message = answer.message ?? answer.editedMessage;
    if (message !== undefined) await answer.api.deleteMessage(message.chat.id, message.message_id).catch(() => undefined);
    if (answer.editedMessage !== undefined) {
      await answer.reply(ctx.t("connect-edit-deleted"));
      continue;
    }
    return answer;
  }
}

/** Asks for one secret part until a text of the right shape comes (each message deleted as it arrives). */
async function askSecret(
  conversation: BotConversation,
  ctx: ConversationContext,
  prompt: string | undefined,
  problemOf: (value: string) => string | undefined,
): Promise<string> {
  if (prompt !== undefined) await ctx.reply(prompt, { parse_mode: "HTML", reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const answer = await nextUpdate(conversation, ctx, true);
    if (answer.callbackQuery !== undefined) {
      await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
      continue;
    }
    if (answer.message === undefined) continue;
    const text = answer.message.text;
    if (text === undefined) {
      await answer.reply(ctx.t("connect-text-only"), { reply_markup: cancelKeyboard(ctx) });
      continue;
    }
    const value = text.trim();
    const problem = problemOf(value);
    if (problem === undefined) return value;
    await answer.reply(ctx.t(problem), { reply_markup: cancelKeyboard(ctx) });
  }
}

const keyProblem = (value: string) => (API_KEY_PATTERN.test(value) ? undefined : "connect-bad-key-format");
const secretProblem = (value: string) => (SECRET_PATTERN.test(value) ? undefined : "connect-bad-secret-format");
const PASSPHRASE_PROBLEMS = { characters: "connect-bad-passphrase-characters", format: "connect-bad-passphrase-format" } as const;
const passphraseProblemText = (value: string) => {
  const problem = passphraseProblem(value);
  return problem === undefined ? undefined : PASSPHRASE_PROBLEMS[problem];
};

type Choice = NonNullable<ReturnType<typeof connectButton.read>>;

/** Waits for a press of one of `question`'s buttons that `accept`s; other messages are deleted and get `note`. */
async function askButton<C extends Choice>(
  conversation: BotConversation,
  ctx: ConversationContext,
  question: { message_id: number },
  accept: readonly C[],
  note: string,
): Promise<C> {
  for (;;) {
    const answer = await nextUpdate(conversation, ctx, false);
    const data = answer.callbackQuery?.data;
    const choice = data === undefined ? undefined : connectButton.read(data);
    if (accept.includes(choice as C) && answer.callbackQuery?.message?.message_id === question.message_id) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup().catch(() => undefined);
      return choice as C;
    }
    if (answer.callbackQuery !== undefined) await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
    else if (answer.message !== undefined) await answer.reply(ctx.t(note));
  }
}

async function askEnvironment(conversation: BotConversation, ctx: ConversationContext, prompt: string): Promise<boolean> {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("button-live"), connectButton.data("env:live"))
    .text(ctx.t("button-demo"), connectButton.data("env:demo"))
    .row()
    .text(ctx.t("button-cancel"), connectButton.data(CANCEL));
  const question = await ctx.reply(prompt, { reply_markup: keyboard });
  return (await askButton(conversation, ctx, question, ["env:live", "env:demo"], "connect-choose-env")) === "env:demo";
}

async function confirmTrading(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("button-store-anyway"), connectButton.data("store"))
    .text(ctx.t("button-cancel"), connectButton.data(CANCEL));
  const question = await ctx.reply(ctx.t("connect-warn-trade"), { reply_markup: keyboard });
  await askButton(conversation, ctx, question, ["store"], "connect-use-buttons");
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
    const held = await conversation.external(() =>
      dependencies.credentials.accounts(userId).then(
        (entries) => entries.length,
        () => 0,
      ),
    );
    if (held > 0) await ctx.reply(ctx.t("connect-adds", { count: held }));

    const draft = { apiKey: "", secret: "", passphrase: "", demo: false };
    let step: Step = "key";
    let reprompt: string | undefined;
    for (;;) {
      if (step === "key") {
        draft.apiKey = await askSecret(conversation, ctx, reprompt ?? ctx.t("connect-step-key"), keyProblem);
        step = reprompt === undefined ? "secret" : "check";
      } else if (step === "secret") {
        draft.secret = await askSecret(conversation, ctx, reprompt ?? ctx.t("connect-step-secret"), secretProblem);
        step = reprompt === undefined ? "passphrase" : "check";
      } else if (step === "passphrase") {
        draft.passphrase = await askSecret(conversation, ctx, reprompt ?? ctx.t("connect-step-passphrase"), passphraseProblemText);
        step = reprompt === undefined ? "environment" : "check";
      } else if (step === "environment") {
        draft.demo = await askEnvironment(conversation, ctx, reprompt ?? ctx.t("connect-step-env"));
        step = "check";
      } else {
        await ctx.reply(ctx.t("connect-checking"));
        const check = await conversation.external(() => dependencies.checkKey({ ...draft, region: "global" }));
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
            (outcome) => {
              if (outcome.kind !== "full") dependencies.loadHistory(check.uid, { ...draft, region: check.region });
              return outcome;
            },
            () => undefined,
          ),
        );
        if (saved === undefined) {
          await ctx.reply(ctx.t("connect-store-failed"));
          return;
        }
        if (saved.kind === "full") {
          await ctx.reply(ctx.t("connect-full", { max: saved.max }));
          return;
        }
        const label = escapeHtml(check.label || check.uid);
        if (saved.kind === "replaced") {
          await ctx.reply(ctx.t("connect-replaced", { label, uid: escapeHtml(check.uid) }), { parse_mode: "HTML" });
          return;
        }
        await ctx.reply(
          ctx.t(held > 0 ? "connect-added" : "connect-done", {
            count: held + 1,
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
  privateOnly(feature, ["connect", "status", "accounts", "disconnect"], "connect");
  return feature;
}
