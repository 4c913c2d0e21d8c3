import { Composer, InlineKeyboard } from "grammy";
import { looksLikeSecret } from "../../domain/key-format.js";
import { cutText } from "../../domain/text.js";
import { formatDateTimeYear, type TimeDisplay } from "../../domain/time.js";
import type { Translate } from "../../domain/translate.js";
import { REGION_NAMES } from "../../okx/regions.js";
import type { AccountEntry, CredentialStore } from "../../store/credentials.js";
import { accountButton, CANCEL, renameButton } from "../buttons.js";
import { onPress } from "../callback-data.js";
import type { BotContext, BotConversation, ConversationContext } from "../context.js";
import { editText } from "../edit.js";
import { escapeHtml } from "../html.js";
import { nextAnswer } from "../answers.js";

export const RENAME = "rename";
/** An account's own name fits a button and a line of a summary. */
const NAME_LIMIT = 32;

export interface AccountsDependencies {
  credentials: Pick<CredentialStore, "accounts" | "rename" | "makeDefault">;
  /** Erases one account and what was derived from it alone. */
  forgetAccount(userId: number, uid: string): Promise<boolean>;
  /** Erases everything stored for a user (`/disconnect`). */
  forget(userId: number): Promise<boolean>;
}

/** How an account is named to its person: their own name, the key's label, or the UID. */
export const nameOf = (entry: AccountEntry) => entry.name || entry.label || entry.uid;

function accountLine(t: Translate, entry: AccountEntry, display: TimeDisplay): string {
  return t("accounts-line", {
    name: escapeHtml(nameOf(entry)),
    uid: escapeHtml(entry.uid),
    env: t(entry.demo ? "env-demo" : "env-live"),
    region: REGION_NAMES[entry.region],
    since: formatDateTimeYear(entry.connectedAt, display),
    mark: entry.isDefault ? t("accounts-default-mark") : "",
  });
}

/** The list of `/accounts`: one line per account, a button each to manage it. */
function listMessage(t: Translate, entries: readonly AccountEntry[], display: TimeDisplay): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  entries.forEach((entry, index) => {
    if (index > 0 && index % 2 === 0) keyboard.row();
    keyboard.text(cutText(nameOf(entry), 20), accountButton.data({ step: "open", uid: entry.uid }));
  });
  const text = [t("accounts-title", { count: entries.length }), ...entries.map((entry) => accountLine(t, entry, display)), t("accounts-hint")].join(
    "\n",
  );
  return { text, keyboard };
}

function accountMenu(t: Translate, entry: AccountEntry, display: TimeDisplay): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard().text(t("button-rename"), accountButton.data({ step: "rename", uid: entry.uid }));
  if (!entry.isDefault) keyboard.text(t("button-make-default"), accountButton.data({ step: "default", uid: entry.uid }));
  keyboard
    .row()
    .text(t("button-remove"), accountButton.data({ step: "remove", uid: entry.uid }))
    .text(t("button-back"), accountButton.data({ step: "list" }));
  return { text: accountLine(t, entry, display), keyboard };
}

/** A name for an account, as typed: one line, some characters; "-" takes the name away. */
function typedName(text: string): string | undefined {
  const name = text.trim().replace(/\s+/g, " ");
  if (name === "-") return "";
  return name.length > 0 && name.length <= NAME_LIMIT && !looksLikeSecret(name) ? name : undefined;
}

/** Rename: the next text is the account's name. */
export function renameConversation(dependencies: Pick<AccountsDependencies, "credentials">) {
  return async function rename(conversation: BotConversation, ctx: ConversationContext, uid: string): Promise<void> {
    const userId = ctx.from!.id;
    await ctx.reply(ctx.t("accounts-rename-ask", { limit: NAME_LIMIT }), {
      reply_markup: new InlineKeyboard().text(ctx.t("button-cancel"), renameButton.data(CANCEL)),
    });
    for (;;) {
      const answer = await nextAnswer(conversation, ctx, renameButton);
      const text = answer.message?.text;
      const name = text === undefined ? undefined : typedName(text);
      if (name === undefined) {
        if (answer.callbackQuery !== undefined) await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
        else await answer.reply(ctx.t("accounts-rename-bad", { limit: NAME_LIMIT }));
        continue;
      }
      const renamed = await conversation.external(() => dependencies.credentials.rename(userId, uid, name));
      await answer.reply(renamed ? ctx.t("accounts-renamed", { name: escapeHtml(name || "—") }) : ctx.t("interest-account-gone"), {
        parse_mode: "HTML",
      });
      return;
    }
  };
}

/**
 * `/accounts` lists a person's OKX accounts (name, live or demo, region, since when) and lets them rename
 * one, make one the default or remove one. `/disconnect` with several asks which, or all.
 */
export function accountsFeature(dependencies: AccountsDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");

  privateChats.command("accounts", async (ctx) => {
    const entries = await dependencies.credentials.accounts(ctx.from.id);
    if (entries.length === 0) return ctx.reply(ctx.t("status-none"));
    const { text, keyboard } = listMessage(ctx.t, entries, await ctx.display());
    await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  });

  privateChats.command("disconnect", async (ctx) => {
    // A conversation running here (a /connect half done) ends too, so the plugin does not write its state back.
    await ctx.conversation.exitAll();
    const entries = await dependencies.credentials.accounts(ctx.from.id);
    if (entries.length > 1 && ctx.match.trim().toLowerCase() !== "all") {
      const keyboard = new InlineKeyboard();
      for (const entry of entries) keyboard.text(cutText(nameOf(entry), 20), accountButton.data({ step: "remove", uid: entry.uid })).row();
      keyboard.text(ctx.t("button-disconnect-all"), accountButton.data({ step: "everything" })).row();
      keyboard.text(ctx.t("button-cancel"), accountButton.data({ step: "keep" }));
      return ctx.reply(ctx.t("disconnect-which", { count: entries.length }), { reply_markup: keyboard });
    }
    const erased = await dependencies.forget(ctx.from.id);
    await ctx.reply(ctx.t(erased ? "disconnect-done" : "disconnect-none"));
  });

  onPress(feature, accountButton, async (ctx, press, { chatId, messageId }) => {
    const userId = ctx.from.id;
    const entries = await dependencies.credentials.accounts(userId);
    const display = await ctx.display();
    if (press.step === "keep") {
      await ctx.answerCallbackQuery();
      return editText(ctx.api, chatId, messageId, ctx.t("cancel-done"));
    }
    if (press.step === "everything") {
      await ctx.answerCallbackQuery();
      await ctx.conversation.exitAll();
      const erased = await dependencies.forget(userId);
      return editText(ctx.api, chatId, messageId, ctx.t(erased ? "disconnect-done" : "disconnect-none"));
    }
    if (!("uid" in press)) {
      await ctx.answerCallbackQuery();
      if (entries.length === 0) return editText(ctx.api, chatId, messageId, ctx.t("status-none"));
      const { text, keyboard } = listMessage(ctx.t, entries, display);
      return editText(ctx.api, chatId, messageId, text, keyboard);
    }
    const entry = entries.find((one) => one.uid === press.uid);
    if (entry === undefined) {
      await ctx.answerCallbackQuery();
      return editText(ctx.api, chatId, messageId, ctx.t("interest-account-gone"));
    }
    switch (press.step) {
      case "open": {
        await ctx.answerCallbackQuery();
        const { text, keyboard } = accountMenu(ctx.t, entry, display);
        return editText(ctx.api, chatId, messageId, text, keyboard);
      }
      case "rename":
        await ctx.answerCallbackQuery();
        if (ctx.conversation.active(RENAME) > 0) await ctx.conversation.exit(RENAME);
        return ctx.conversation.enter(RENAME, entry.uid);
      case "default": {
        await dependencies.credentials.makeDefault(userId, entry.uid);
        await ctx.answerCallbackQuery({ text: ctx.t("accounts-default-set", { name: nameOf(entry) }) });
        const { text, keyboard } = listMessage(ctx.t, await dependencies.credentials.accounts(userId), display);
        return editText(ctx.api, chatId, messageId, text, keyboard);
      }
      case "remove": {
        await ctx.answerCallbackQuery();
        const keyboard = new InlineKeyboard()
          .text(ctx.t("button-remove-confirm"), accountButton.data({ step: "confirm", uid: entry.uid }))
          .text(ctx.t("button-cancel"), accountButton.data({ step: "list" }));
        const question = entries.length === 1 ? "accounts-remove-last" : "accounts-remove-ask";
        return editText(ctx.api, chatId, messageId, ctx.t(question, { name: escapeHtml(nameOf(entry)) }), keyboard);
      }
      case "confirm": {
        await ctx.answerCallbackQuery();
        // The last account goes with everything else: nothing is left that names the person.
        if (entries.length === 1) {
          await ctx.conversation.exitAll();
          await dependencies.forget(userId);
          return editText(ctx.api, chatId, messageId, ctx.t("disconnect-done"));
        }
        await dependencies.forgetAccount(userId, entry.uid);
        return editText(ctx.api, chatId, messageId, ctx.t("accounts-removed", { name: escapeHtml(nameOf(entry)) }));
      }
    }
  });
  return feature;
}
