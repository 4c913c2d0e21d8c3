import type { MiddlewareFn } from "grammy";
import type { OnceRun, RedisLocks } from "../../store/locks.js";
import type { BotContext } from "../context.js";

/** Telegram resends an update whose delivery looked failed; a resend may reach another replica. */
const DONE_UPDATE_MS = 60 * 60_000;
/** While it is handled, an update's claim lapses this long after its replica last renewed it (as the chat's lock does). */
export const RUNNING_UPDATE_MS = 15_000;

/**
 * Each `update_id` is handled once, whichever replica it reaches and however often it arrives, and one update
 * of a chat at a time across every replica: the conversations plugin reads and writes a chat's state without
 * locks, so two replicas handling one chat at once would lose an answer. An update is marked done only once
 * it is: while it runs its claim is a short lease, so a replica that dies mid-update loses it only until a
 * resend reaches another replica.
 */
export function sharedUpdates(locks: RedisLocks, options: { waitMs: number; runningMs?: number; chatHoldMs?: number }): MiddlewareFn<BotContext> {
  const runningMs = options.runningMs ?? RUNNING_UPDATE_MS;
  return async (ctx, next) => {
    const name = `upd:${ctx.update.update_id}`;
    // Started together, the claim and the first try for the chat's lock reach Redis in one round trip.
    const first = locks.begin(name, runningMs);
    // Awaited below; a lock that fails first must not leave this rejection unhandled.
    first.catch(() => undefined);
    let finishing: Promise<void> | undefined;
    const handleOnce = async () => {
      // Taken already: done (dropped), or running on a replica that held the chat until now, or died holding it.
      const run: OnceRun | undefined = (await first) ?? (await locks.beginWhenFree(name, runningMs, options.waitMs));
      if (run === undefined) return;
      try {
        await next();
      } finally {
        // Marked done before the chat's lock goes (both in one write): the resend waiting for it then drops.
        finishing = run.finish(DONE_UPDATE_MS);
        finishing.catch(() => undefined);
      }
    };
    if (ctx.chat === undefined) await handleOnce();
    else await locks.with(`chat:${ctx.chat.id}`, handleOnce, { holdMs: options.chatHoldMs ?? RUNNING_UPDATE_MS, waitMs: options.waitMs });
    await finishing;
  };
}
