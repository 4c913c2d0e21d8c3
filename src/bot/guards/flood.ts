import { limit } from "@grammyjs/ratelimiter";
import type { RedisClient } from "../../store/redis.js";
import type { BotContext } from "../context.js";

export interface FloodOptions {
  /** Counters live here, so every replica counts the same user's updates together. */
  redis: RedisClient;
  prefix: string;
  /** Updates one user may send in `windowMs`; the rest of that window is ignored after one polite note. */
  limit: number;
  windowMs: number;
}

/** A user sending dozens of commands a second is slowed down, and cannot spend everyone else's limits. */
export function floodGuard(options: FloodOptions) {
  return limit<BotContext, RedisClient>({
    timeFrame: options.windowMs,
    limit: options.limit,
    storageClient: options.redis,
    keyPrefix: `${options.prefix}flood:`,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    // Called once per window, on the first update over the limit; the rest are dropped quietly.
    onLimitExceeded: (ctx) => {
      const text = ctx.t("flood-slow-down", { seconds: Math.ceil(options.windowMs / 1000) });
      const told = ctx.callbackQuery !== undefined ? ctx.answerCallbackQuery({ text }) : ctx.chat?.type === "private" ? ctx.say(text) : undefined;
      // A note that cannot be delivered changes nothing: the update is dropped either way.
      void told?.catch(() => undefined);
    },
  });
}
