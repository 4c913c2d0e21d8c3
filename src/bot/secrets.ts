import type { Context } from "grammy";
import type { Message } from "grammy/types";
import { looksLikeSecret, PASSPHRASE_PATTERN } from "../domain/key-format.js";
import { COMMANDS } from "./commands.js";

/*
 * What must go: the messages the bot deletes because they carry, or may carry, a secret.
 *
 * 1. A message whose text or caption looks like an API key or a secret key, new or edited, in any chat.
 * 2. In a private chat while /connect runs, every message the person sends, new or edited, of any kind, as
 *    soon as it arrives (the conversation does this itself, before anything else): at a secret step any
 *    text is the answer, a passphrase may look like anything (`/Secret#1`), and only `/cancel` alone leaves.
 *    Between the secret steps (live or demo, the trading warning) one of the bot's commands is answered
 *    and stays; any other text goes.
 * 3. In a private chat when it cannot be known whether /connect runs: the conversation's state lives in
 *    Redis, so while Redis cannot be read (or the chat's lock timed out, or the flood guard dropped the
 *    update unread) the step is unknown. Then every message goes, except one of the bot's own commands that
 *    could not be a passphrase OKX accepts (it has a space, or fewer than 8 characters: `/status`,
 *    `/interest USDT`), or `/cancel` alone, which leaves every step: these stay. The same holds when
 *    /connect is known to run and the update failed.
 *
 * A group never holds /connect: there only rule 1 applies.
 */

/** What an update's handling learnt of /connect: running, not running, or nothing (its state was not read). */
export type ConnectKnowledge = "running" | "not-running" | "unknown";

const knowledge = new WeakMap<object, ConnectKnowledge>();

/** Records, once the conversation state is read, whether /connect runs in this update's chat. */
export function noteConnect(ctx: Context, running: boolean): void {
  knowledge.set(ctx, running ? "running" : "not-running");
}

export function connectKnowledge(ctx: Context): ConnectKnowledge {
  return knowledge.get(ctx) ?? "unknown";
}

/** The person's message in this update, new or edited (never the bot's own message under a button). */
export function personsMessage(ctx: Context): Message | undefined {
  return ctx.message ?? ctx.editedMessage;
}

/** The text of a message or the caption of its photo or document. */
export function wordsOf(message: Message): string | undefined {
  return message.text ?? message.caption;
}

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,32}))?(?:\s|$)/;
const KNOWN = new Set<string>(COMMANDS);

/**
 * One of the bot's commands (as grammY reads them: `/status`, or `/status@<this bot>`) that no step of
 * /connect could take for a passphrase; `/cancel` alone never is one, since it leaves every step.
 */
function harmlessCommand(text: string, botUsername: string): boolean {
  const found = COMMAND.exec(text);
  const command = found?.[1]?.toLowerCase();
  if (found === null || command === undefined || !KNOWN.has(command) || looksLikeSecret(text)) return false;
  if (found[2] !== undefined && found[2].toLowerCase() !== botUsername.toLowerCase()) return false;
  return (command === "cancel" && found[0].trim() === text.trim()) || !PASSPHRASE_PATTERN.test(text.trim());
}

/**
 * Why this update's message must go: `secret` (it looks like one, rule 1), `unsure` (rules 2 and 3, when the
 * conversation could not see to it), or undefined when it stays.
 */
export function mustGo(ctx: Context, connect: ConnectKnowledge): "secret" | "unsure" | undefined {
  const message = personsMessage(ctx);
  if (message === undefined) return undefined;
  const words = wordsOf(message);
  if (words !== undefined && looksLikeSecret(words)) return "secret";
  if (message.chat.type !== "private" || connect === "not-running") return undefined;
  if (ctx.message?.text !== undefined && harmlessCommand(ctx.message.text, ctx.me.username)) return undefined;
  return "unsure";
}

/** Deletes this update's message if it must go; says why, or undefined if it stays. */
export async function deleteWhatMustGo(ctx: Context, connect: ConnectKnowledge): Promise<"secret" | "unsure" | undefined> {
  const reason = mustGo(ctx, connect);
  const message = personsMessage(ctx);
  if (reason === undefined || message === undefined) return undefined;
  // Already gone (the conversation deleted it before failing) or too old: nothing more can be done.
  await ctx.api.deleteMessage(message.chat.id, message.message_id).catch(() => undefined);
  return reason;
}
