import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { sharedUpdates } from "../../src/bot/guards/replicas.js";
import type { BotContext } from "../../src/bot/context.js";
import { RedisLocks } from "../../src/store/locks.js";
import { testRedis } from "../support/redis.js";

const LEASE_MS = 600;
const options = { waitMs: 10_000, runningMs: LEASE_MS, chatHoldMs: LEASE_MS };

/** One update as a replica sees it: a private chat's message, or one that belongs to no chat. */
const update = (id: number, chat = true) =>
  ({ update: { update_id: id }, chat: chat ? { id: 42, type: "private" } : undefined }) as unknown as BotContext;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A replica with its own connection to the shared Redis; `die` cuts it off mid-work, releasing nothing. */
function replica(url: string, prefix: string) {
  const redis = new Redis(url);
  const guard = sharedUpdates(new RedisLocks(redis, prefix), options);
  return {
    guard,
    /** Handles the update; resolves with whether the handler ran. */
    async handle(ctx: BotContext, work: () => Promise<unknown> = () => Promise.resolve()): Promise<boolean> {
      let ran = false;
      await guard(ctx, async () => {
        ran = true;
        await work();
      });
      return ran;
    },
    die: () => redis.disconnect(),
    close: () => redis.quit().catch(() => undefined),
  };
}

describe("the once-per-update claim across replicas", () => {
  it("lets another replica handle a resend of an update whose replica died while handling it", async () => {
    const { url, prefix } = testRedis();
    const [dying, survivor] = [replica(url, prefix), replica(url, prefix)];
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    // The first replica takes the update and never finishes: it is killed in the middle.
    void dying.handle(update(1), () => (started(), new Promise<void>(() => undefined))).catch(() => undefined);
    await inHandler;
    dying.die();
    const before = Date.now();
    expect(await survivor.handle(update(1))).toBe(true);
    // Only once the dead replica's short lease (and the chat's lock) had lapsed.
    expect(Date.now() - before).toBeGreaterThanOrEqual(LEASE_MS - 100);
    expect(Date.now() - before).toBeLessThan(5_000);
    await survivor.close();
  });

  it("the same for an update of no chat", async () => {
    const { url, prefix } = testRedis();
    const [dying, survivor] = [replica(url, prefix), replica(url, prefix)];
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    void dying.handle(update(2, false), () => (started(), new Promise<void>(() => undefined))).catch(() => undefined);
    await inHandler;
    dying.die();
    expect(await survivor.handle(update(2, false))).toBe(true);
    await survivor.close();
  });

  it("keeps a long update to its replica while it runs, and drops every resend once it is done", async () => {
    const { url, prefix, redis } = testRedis();
    const [one, two] = [replica(url, prefix), replica(url, prefix)];
    for (const chat of [true, false]) {
      const id = chat ? 3 : 4;
      // Handled for several lease times: the claim is renewed meanwhile.
      const long = one.handle(update(id, chat), () => sleep(LEASE_MS * 3));
      await sleep(50);
      const resend = two.handle(update(id, chat));
      expect(await long).toBe(true);
      expect(await resend).toBe(false);
      await sleep(LEASE_MS * 2);
      expect(await two.handle(update(id, chat))).toBe(false);
      expect(await one.handle(update(id, chat))).toBe(false);
      // Done is kept for an hour, for Telegram's resends.
      expect(await redis.pttl(`${prefix}upd:${id}`)).toBeGreaterThan(59 * 60_000);
    }
    await Promise.all([one.close(), two.close()]);
  });
});
