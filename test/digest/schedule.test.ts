import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { DEFAULT_DIGEST } from "../../src/domain/digest.js";
import { localDate, zonedTime } from "../../src/domain/time.js";
import { DIGEST_QUEUE, DigestSchedule, openDigestQueue, type DigestJobData } from "../../src/digest/schedule.js";
import { testRedis } from "../support/redis.js";
import { startRedis } from "../support/redis-server.js";

const iso = (ms: number | undefined) => (ms === undefined ? "none" : new Date(ms).toISOString());

/** A schedule on the run's Redis under the test's own prefix, and BullMQ's view of it. */
function scheduleOnRedis() {
  const { redis, prefix } = testRedis();
  const connection = redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue<DigestJobData>(DIGEST_QUEUE, { connection, prefix: `${prefix}bull` });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });
  return { queue, redis, prefix, schedule: new DigestSchedule(queue, redis) };
}

/**
 * The due times BullMQ gives a user's scheduler day after day: the clock is set just after each due time,
 * where a worker takes the job and BullMQ computes the next one.
 */
async function dueTimes(schedule: DigestSchedule, start: string, hour: number, minute: number, zone: string, days: number): Promise<string[]> {
  const times: string[] = [];
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(start));
  for (let day = 0; day < days; day++) {
    await schedule.apply(1, { ...DEFAULT_DIGEST, on: true, hour, minute }, zone);
    const next = await schedule.next(1);
    times.push(iso(next));
    vi.setSystemTime(new Date((next ?? 0) + 1_000));
  }
  vi.useRealTimers();
  return times;
}

describe("BullMQ's job scheduler in the user's zone (real Redis)", () => {
  afterEach(() => void vi.useRealTimers());

  const cases: [string, string, number, number, string[]][] = [
    ["Europe/Berlin", "2026-03-27T12:00:00Z", 9, 0, ["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]],
    ["Europe/Berlin", "2026-10-24T12:00:00Z", 9, 0, ["2026-10-25T08:00:00.000Z", "2026-10-26T08:00:00.000Z"]],
    ["Europe/Berlin", "2026-03-28T12:00:00Z", 2, 30, ["2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]],
    ["Europe/Berlin", "2026-10-24T12:00:00Z", 2, 30, ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]],
    ["America/New_York", "2026-03-07T12:00:00Z", 2, 30, ["2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]],
    ["America/New_York", "2026-10-31T12:00:00Z", 1, 30, ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]],
    ["Australia/Sydney", "2026-10-03T12:00:00Z", 2, 30, ["2026-10-03T16:30:00.000Z", "2026-10-04T15:30:00.000Z"]],
    ["Australia/Sydney", "2026-04-04T00:00:00Z", 2, 30, ["2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"]],
    ["Asia/Shanghai", "2026-03-28T00:00:00Z", 9, 0, ["2026-03-28T01:00:00.000Z", "2026-03-29T01:00:00.000Z"]],
    // Typed times fall on any minute, not only quarters: in a zone half an hour off, in the skipped and the repeated hour, on the day the clocks go back.
    ["Asia/Kolkata", "2026-03-27T00:00:00Z", 18, 2, ["2026-03-27T12:32:00.000Z", "2026-03-28T12:32:00.000Z"]],
    ["Europe/Berlin", "2026-03-28T12:00:00Z", 2, 7, ["2026-03-29T01:07:00.000Z", "2026-03-30T00:07:00.000Z"]],
    ["America/New_York", "2026-10-31T12:00:00Z", 1, 59, ["2026-11-01T05:59:00.000Z", "2026-11-02T06:59:00.000Z"]],
    ["Australia/Sydney", "2026-04-04T00:00:00Z", 23, 59, ["2026-04-04T12:59:00.000Z", "2026-04-05T13:59:00.000Z"]],
  ];

  for (const [zone, start, hour, minute, expected] of cases) {
    it(`${zone} at ${hour}:${String(minute).padStart(2, "0")} from ${start}: once a day at the local time, across the change`, async () => {
      const { schedule } = scheduleOnRedis();
      const times = await dueTimes(schedule, start, hour, minute, zone, expected.length);
      expect(times).toEqual(expected);
      // The same instants as the bot's own reading of a local time on a day (`zonedTime`, as local days use it).
      for (const time of times) {
        const local = zonedTime(localDate(Date.parse(time), zone), hour, minute, zone);
        expect(iso(local)).toBe(time);
      }
    });
  }

  it("keeps one scheduler and one pending job per user however often it is applied (two replicas, a restart)", async () => {
    const { queue, schedule } = scheduleOnRedis();
    const settings = { ...DEFAULT_DIGEST, on: true };
    await Promise.all([schedule.apply(7, settings, "Asia/Shanghai"), schedule.apply(7, settings, "Asia/Shanghai")]);
    await schedule.apply(7, settings, "Asia/Shanghai");
    expect(await queue.getJobSchedulersCount()).toBe(1);
    expect(await queue.getDelayedCount()).toBe(1);
    // A new time moves the pending job instead of adding one.
    await schedule.apply(7, { ...settings, hour: 18 }, "Asia/Shanghai");
    expect(await queue.getDelayedCount()).toBe(1);
    const next = await schedule.next(7);
    expect(new Date(next!).getUTCHours()).toBe(10); // 18:00 in Shanghai
    await schedule.apply(7, { ...settings, on: false }, "Asia/Shanghai");
    expect(await queue.getJobSchedulersCount()).toBe(0);
    expect(await queue.getDelayedCount()).toBe(0);
    expect(await schedule.next(7)).toBeUndefined();
  });

  it("forgets a user: the scheduler, its next job, every job and event naming them, once the one being delivered is done", async () => {
    const { queue, redis, prefix, schedule } = scheduleOnRedis();
    const settings = { ...DEFAULT_DIGEST, on: true };
    // 77 begins with 7: what is 7's must be told apart from it.
    await schedule.apply(7, settings, "UTC");
    await schedule.apply(77, settings, "UTC");
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker<DigestJobData>(
      DIGEST_QUEUE,
      async (job) => {
        if (job.id === "now-7-1") await held;
        return "sent";
      },
      { connection, prefix: `${prefix}bull`, concurrency: 4 },
    );
    onTestFinished(async () => {
      release();
      await worker.close();
      await connection.quit();
    });
    await schedule.sendNow(7, 0);
    await schedule.sendNow(77, 0);
    await vi.waitFor(async () => expect(await queue.getCompletedCount()).toBe(2), { timeout: 5_000 });
    await schedule.sendNow(7, 3_000);
    await vi.waitFor(async () => expect(await queue.getActiveCount()).toBe(1), { timeout: 5_000 });

    let forgotten = false;
    const forgetting = schedule.forget(7).then(() => (forgotten = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(forgotten).toBe(false); // waits for the digest being delivered
    release();
    await forgetting;

    expect(await schedule.has(7)).toBe(false);
    expect(await schedule.has(77)).toBe(true);
    expect(await queue.getDelayedCount()).toBe(1);
    expect(await queue.getJob("now-7-0")).toBeUndefined();
    expect(await queue.getJob("now-7-1")).toBeUndefined();
    expect(await queue.getJob("now-77-0")).toBeDefined();
    const names7 = /(^|:)digest-7(:|$)|(^|:)now-7-/;
    const keys = await redis.keys(`${prefix}bull:*`);
    expect(keys.filter((key) => names7.test(key))).toEqual([]);
    const events = (await redis.xrange(`${prefix}bull:${DIGEST_QUEUE}:events`, "-", "+")).flatMap(([, fields]) => fields);
    expect(events.filter((value) => names7.test(value))).toEqual([]);
    expect(events.filter((value) => /^now-77-0$/.test(value)).length).toBeGreaterThan(0);
    for (const key of keys.filter((key) => ["completed", "delayed", "wait", "active", "failed", "repeat"].some((set) => key.endsWith(`:${set}`)))) {
      const type = await redis.type(key);
      const members = type === "zset" ? await redis.zrange(key, 0, -1) : type === "list" ? await redis.lrange(key, 0, -1) : [];
      expect(
        members.filter((member) => names7.test(member)),
        key,
      ).toEqual([]);
    }
  });
});

// Stops a private Redis, which an external REDIS_URL does not allow.
describe.skipIf(process.env.REDIS_URL !== undefined)("the digest queue in a Redis outage", () => {
  it("logs the queue's connection problems as warnings, and writes no raw stack to stderr", async () => {
    const server = await startRedis({});
    const connection = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const queue = openDigestQueue(connection, "outage:bull", logger);
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, "write");
    onTestFinished(() => {
      consoleError.mockRestore();
      stderr.mockRestore();
      connection.disconnect();
    });
    await queue.waitUntilReady();
    await server.stop();
    const deadline = Date.now() + 5_000;
    while (!lines.some((line) => line.msg === "digest queue problem") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((line) => line.msg === "digest queue problem").length).toBeGreaterThan(0);
    expect(lines.every((line) => line.level === 40)).toBe(true);
    expect(consoleError).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });
});
