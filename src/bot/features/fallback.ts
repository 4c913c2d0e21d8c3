import { Composer } from "grammy";
import { looksLikeSecret } from "../../domain/key-format.js";
import type { BotContext } from "../context.js";

/**
 * What no feature took: text that looks like a key or secret is deleted at once (and in a group, the
 * sender is told to revoke it); other private text gets a pointer to /help; stale buttons a short answer.
 */
export function fallbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("message:text", async (ctx) => {
    const inGroup = ctx.chat.type !== "private";
    if (looksLikeSecret(ctx.msg.text)) {
      await ctx.deleteMessage().catch(() => undefined);
      await ctx.reply(ctx.t(inGroup ? "secret-in-group" : "secret-deleted"));
      return;
    }
    if (!inGroup) await ctx.say(ctx.t("unknown-text"));
  });
  feature.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-stale") }));
  return feature;
}
