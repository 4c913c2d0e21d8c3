import { Composer } from "grammy";
import { looksLikeSecret } from "../../domain/key-format.js";
import type { BotContext } from "../context.js";
import { wordsOf } from "../secrets.js";

/**
 * What no feature took: a message whose text or caption looks like a key or secret, new or edited, is deleted
 * at once (and in a group, the sender is told to revoke it); other private text gets a pointer to /help; an
 * edit is otherwise ignored; stale buttons get a short answer.
 */
export function fallbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on(["message", "edited_message"], async (ctx) => {
    const inGroup = ctx.chat.type !== "private";
    const words = wordsOf(ctx.msg);
    if (words !== undefined && looksLikeSecret(words)) {
      await ctx.api.deleteMessage(ctx.chat.id, ctx.msg.message_id).catch(() => undefined);
      await ctx.reply(ctx.t(inGroup ? "secret-in-group" : "secret-deleted"));
      return;
    }
    if (!inGroup && ctx.message?.text !== undefined) await ctx.say(ctx.t("unknown-text"));
  });
  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-stale") }));
  return feature;
}
