import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";

/**
 * A team's own instance: only the listed Telegram users get past this point, so nothing is ever stored for
 * anyone else. Installed before everything that writes to Redis.
 */
export function allowList(allowed: ReadonlySet<number> | undefined): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (allowed === undefined || (ctx.from !== undefined && allowed.has(ctx.from.id))) return next();
    if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery({ text: ctx.t("not-allowed-short") });
    else if (ctx.chat?.type === "private") await ctx.say(ctx.t("not-allowed"));
  };
}
