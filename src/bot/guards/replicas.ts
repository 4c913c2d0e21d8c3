import type { MiddlewareFn } from "grammy";
import type { RedisLocks } from "../../store/locks.js";
import type { BotContext } from "../context.js";

/** Telegram resends an update whose delivery looked failed; a resend may reach another replica. */
const SEEN_UPDATE_MS = 60 * 60_000;

/**
 * Each `update_id` is handled once, whichever replica it reaches and however often it arrives, and one update
 * of a chat at a time across every replica: the conversations plugin reads and writes a chat's state without
 * locks, so two replicas handling one chat at once would lose an answer.
 */
export function sharedUpdates(locks: RedisLocks, options: { waitMs: number }): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    // Started together, the claim and the first try for the chat's lock reach Redis in one round trip.
    const firstTime = locks.claimOnce(`upd:${ctx.update.update_id}`, SEEN_UPDATE_MS);
    // Awaited below; a lock that fails first must not leave this rejection unhandled.
    firstTime.catch(() => undefined);
    const handleOnce = async () => {
      if (await firstTime) await next();
    };
    if (ctx.chat === undefined) return handleOnce();
    await locks.with(`chat:${ctx.chat.id}`, handleOnce, { holdMs: 15_000, waitMs: options.waitMs });
  };
}
