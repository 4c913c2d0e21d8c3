import Bottleneck from "bottleneck";
import { afterEach, describe, expect, it } from "vitest";
import { createAccountLimiter, spacingMs, type RequestScheduler } from "../../src/okx/limiter.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { fakeAccount, startFakeOkx, type FakeOkx } from "../support/fake-okx/index.js";
import { credentialsOf } from "../support/okx-harness.js";
import { testRedis } from "../support/redis.js";
import { runReplicas } from "../support/replicas.js";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function limiter(options: { idleMs?: number; windowMs?: number } = {}) {
  const { redis, prefix, url } = testRedis();
  const scheduler: RequestScheduler = createAccountLimiter({ redis: redis.duplicate(), prefix, windowMs: options.windowMs ?? 200, ...options });
  closers.push(() => scheduler.close());
  return { redis, prefix, url, scheduler };
}

describe("account limiter", () => {
  it("spaces starts so that no sliding window holds more than its share", () => {
    expect(spacingMs(5, 2000, 0.04)).toBe(416);
    expect(5 * spacingMs(5, 2000, 0.04)).toBeGreaterThan(2000);
  });

  it("runs interactive requests before queued background ones", async () => {
    const { scheduler } = limiter();
    const order: string[] = [];
    const task = (name: string) => () => Promise.resolve(order.push(name));
    const background = Array.from({ length: 5 }, (_, i) => scheduler.schedule("acct", "background", task(`b${i}`)));
    expect(scheduler.queued()).toEqual({ interactive: 0, background: 5 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const interactive = scheduler.schedule("acct", "interactive", task("interactive"));
    expect(scheduler.queued().interactive).toBe(1);
    await Promise.all([...background, interactive]);
    // At most the two requests holding the account's slots, and the one that took a freed slot, go first.
    expect(order.indexOf("interactive")).toBeLessThanOrEqual(3);
    expect(scheduler.queued()).toEqual({ interactive: 0, background: 0 });
  });

  it("lets an idle account's limiter expire in Redis", async () => {
    const { redis, prefix, scheduler } = limiter({ idleMs: 300 });
    await scheduler.schedule("idle", "interactive", () => Promise.resolve());
    expect(await redis.keys(`b_${prefix}lim-idle_*`)).not.toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await redis.keys(`b_${prefix}lim-idle_*`)).toEqual([]);
    await expect(scheduler.schedule("idle", "interactive", () => Promise.resolve("again"))).resolves.toBe("again");
  });

  it("recovers when another replica cleared the account's keys (Redis 7 error texts)", async () => {
    const { redis, prefix, scheduler } = limiter();
    await scheduler.schedule("shared", "interactive", () => Promise.resolve());
    await redis.del(...(await redis.keys(`b_${prefix}lim-shared_*`)));
    await expect(scheduler.schedule("shared", "interactive", () => Promise.resolve("ok"))).resolves.toBe("ok");
  });

  it("shows why: plain Bottleneck fails in the same situation on this Redis", async () => {
    const { redis, prefix } = testRedis();
    const connection = new Bottleneck.IORedisConnection({ client: redis.duplicate() });
    const plain = new Bottleneck({ id: `${prefix}plain`, datastore: "ioredis", connection, minTime: 10 });
    closers.push(() => connection.disconnect(true));
    await plain.schedule(() => Promise.resolve());
    await redis.del(...(await redis.keys(`b_${prefix}plain_*`)));
    await expect(plain.schedule(() => Promise.resolve())).rejects.toThrow("ERR SETTINGS_KEY_NOT_FOUND");
  });
});

describe("one account shared by two processes", () => {
  let fake: FakeOkx;

  it("never lets more than 5 requests into any sliding window, with no 50011", async () => {
    const account = fakeAccount({ name: "shared", hours: 2 });
    const windowMs = 1000;
    fake = await startFakeOkx({ accounts: [account], windowMs });
    closers.push(() => fake.close());
    const { url, prefix } = testRedis();
    const job = {
      redisUrl: url,
      prefix,
      urls: fake.urls,
      credentials: credentialsOf(account),
      account: account.uid,
      windowMs,
      work: { requests: 12 },
      startAt: Date.now() + 1_500,
    };
    const reports = await runReplicas([job, job]);
    expect(reports.map((report) => report.requests)).toEqual([12, 12]);
    expect(fake.stats.byCode["50011"] ?? 0).toBe(0);
    expect(fake.servedAt(account.uid, INTEREST_ACCRUED_PATH)).toHaveLength(24);
    expect(fake.busiestWindow(account.uid, INTEREST_ACCRUED_PATH)).toBe(5);
    // Both really ran at once: neither finished before the other started.
    expect(reports[0]!.startedAt).toBeLessThan(reports[1]!.finishedAt);
    expect(reports[1]!.startedAt).toBeLessThan(reports[0]!.finishedAt);
  }, 30_000);
});
