import type { MiddlewareFn } from "grammy";
import type { TimeDisplay } from "../domain/time.js";
import type { Logger } from "../log.js";
import type { BotContext } from "./context.js";

/** Puts on the context what every handler needs: the logger and the person's time display. */
export function handlerContext(options: { logger: Logger; timeZone: (userId: number) => Promise<string> }): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.logger = options.logger;
    let display: Promise<TimeDisplay> | undefined;
    const read = async () => ({ zone: await options.timeZone(ctx.from!.id), locale: await ctx.i18n.getLocale() });
    // A read that failed (Redis out of reach) is tried again by the next caller, not remembered.
    ctx.display = () =>
      (display ??= read().catch((error: unknown) => {
        display = undefined;
        throw error;
      }));
    return next();
  };
}
