import { Composer, type MiddlewareFn } from "grammy";
import { looksLikeSecret } from "../../domain/key-format.js";
import type { BotContext } from "../context.js";
import { connectKnowledge, personsMessage, wordsOf } from "../secrets.js";

/** Deletes the person's message and says why: in a group, with the advice to revoke the key. */
async function deleteSecret(ctx: BotContext, messageId: number): Promise<void> {
  await ctx.api.deleteMessage(ctx.chat!.id, messageId).catch(() => undefined);
  await ctx.reply(ctx.t(ctx.chat!.type === "private" ? "secret-deleted" : "secret-in-group"));
}

/**
 * Rule 1 of `secrets.ts` ahead of every feature: a message whose text or caption looks like a key or a secret,
 * new or edited, is deleted with the warning and goes no further, whatever would have taken it (the arguments
 * of a command, `/connect <key>` in a group, a step of /filters). While /connect runs in a private chat it
 * passes on instead: the conversation deletes every message as it arrives, and at a secret step it is the answer.
 */
export function secretGuard(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const message = personsMessage(ctx);
    const words = message === undefined ? undefined : wordsOf(message);
    if (message === undefined || words === undefined || !looksLikeSecret(words)) return next();
    if (message.chat.type === "private" && connectKnowledge(ctx) === "running") return next();
    await deleteSecret(ctx, message.message_id);
  };
}

/**
 * What no feature took: a message whose text or caption looks like a key or secret, new or edited, is deleted
 * at once (and in a group, the sender is told to revoke it); other private text gets a pointer to /help; an
 * edit is otherwise ignored; stale buttons get a short answer.
 */
export function fallbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on(["message", "edited_message"], async (ctx) => {
    const words = wordsOf(ctx.msg);
    if (words !== undefined && looksLikeSecret(words)) return deleteSecret(ctx, ctx.msg.message_id);
    if (ctx.chat.type === "private" && ctx.message?.text !== undefined) await ctx.say(ctx.t("unknown-text"));
  });
  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-stale") }));
  return feature;
}
