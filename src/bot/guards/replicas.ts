import type { MiddlewareFn } from "grammy";
import type { RedisLocks } from "../../store/locks.js";
import type { BotContext } from "../context.js";

/** Telegram resends an update whose delivery looked failed; a resend may reach another replica. */
const SEEN_UPDATE_MS = 60 * 60_000;

/** Handles each `update_id` once, whichever replica it reaches and however often it arrives. */
export function oncePerUpdate(locks: RedisLocks): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (await locks.claimOnce(`upd:${ctx.update.update_id}`, SEEN_UPDATE_MS)) await next();
  };
}

/**
 * One update of a chat at a time across every replica: the conversations plugin reads and writes a chat's
 * state without locks, so two replicas handling one chat at once would lose an answer.
 */
export function oneUpdatePerChat(locks: RedisLocks, options: { waitMs: number }): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.chat === undefined) return next();
    await locks.with(`chat:${ctx.chat.id}`, () => next(), { holdMs: 15_000, waitMs: options.waitMs });
  };
}
