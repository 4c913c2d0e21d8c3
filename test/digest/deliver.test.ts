import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { Api, HttpError, type Transformer } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { telegramTransformers } from "../../src/bot/telegram-api.js";
import { deliverDigest, DigestRetry, type DigestRun } from "../../src/digest/deliver.js";
import { onTheWire } from "../../src/services/send-once.js";
import { startDigestWorker } from "../../src/digest/worker.js";
import { DEFAULT_DIGEST } from "../../src/domain/digest.js";
import { isoDate, localDate } from "../../src/domain/time.js";
import { DigestMarks, type DayClaim } from "../../src/store/digest-marks.js";
import { SendPacer } from "../../src/store/send-pacer.js";
import { digestHarness, type DigestHarness } from "../support/digest-harness.js";
import { fakeAccount, startFakeOkx, type FakeOkx, type FakeOkxAccount } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import { testRedis } from "../support/redis.js";

const DAY = 24 * 3600_000;
const ZONE = "Europe/Berlin";
const LINES = [{ ccy: "USDT", mgnMode: "cross" as const, instId: "", liability: 2500, hourlyRate: 0.0000040833 }];

interface World {
  harness: DigestHarness;
  okx: FakeOkx;
  telegram: FakeTelegram;
  /** The first user's account, and every user. */
  account: FakeOkxAccount;
  userId: number;
  users: number[];
  marks: DigestMarks;
  redis: Redis;
  prefix: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

let nextUser = 5000;

/** The bot's own retries, with waits short enough for a test. */
const QUICK_RETRIES = { attempts: 3, backoffMs: 20, budgetMs: 1_000, maxRetryAfterMs: 10_000 };
const retries = () => telegramTransformers(0, QUICK_RETRIES);

/** Users with a connected key each and the digest on, the fakes, and the digest's parts on real Redis. */
async function world(count = 1, transformers: Transformer[] = []): Promise<World> {
  const { redis, prefix } = testRedis();
  const users = Array.from({ length: count }, () => nextUser++);
  const accounts = users.map((id) => fakeAccount({ name: `digest-${id}`, hours: 24 * 40, lines: LINES }));
  const okx = await startFakeOkx({ accounts, windowMs: 40 });
  const telegram = await startFakeTelegram();
  const harness = digestHarness({ redis, prefix, okxUrls: okx.urls, telegram, perSecond: 25, okxWindowMs: 40, transformers });
  closers.push(
    () => okx.close(),
    () => telegram.close(),
    () => harness.close(),
  );
  for (const [index, userId] of users.entries()) {
    // Telegram lets a bot write only to people who have written to it.
    telegram.sendText(telegram.user(userId, { language_code: "en" }), "/start");
    await harness.connect(userId, accounts[index]!);
    await harness.preferences.setTimeZone(userId, ZONE);
    await harness.preferences.setDigest(userId, { ...DEFAULT_DIGEST, on: true });
  }
  return { harness, okx, telegram, account: accounts[0]!, userId: users[0]!, users, marks: new DigestMarks(redis, prefix), redis, prefix };
}

const run = (userId: number, jobId: string, dueAt = Date.now()): DigestRun => ({ jobId, userId, dueAt, manual: false });
/** The outcome, or "retry" where the run asked to be tried again later. */
async function settle<T>(promise: Promise<T>): Promise<T | "retry"> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DigestRetry) return "retry";
    throw error;
  }
}

describe("delivering a digest", () => {
  it("sends one message however many runs race for the day, with the figures and buttons to /interest", async () => {
    const { harness, telegram, userId } = await world();
    const dueAt = Date.now();
    const outcomes = await Promise.all(["a", "b", "c"].map((job) => settle(deliverDigest(harness.dependencies, run(userId, job, dueAt)))));
    expect(outcomes.filter((outcome) => outcome === "sent")).toHaveLength(1);
    expect(outcomes.every((outcome) => ["sent", "retry", "already-sent"].includes(outcome))).toBe(true);
    expect(await deliverDigest(harness.dependencies, run(userId, "d", dueAt))).toBe("already-sent");

    const messages = telegram.botMessages(userId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toMatch(/Your borrowing, \w{3} \d{1,2} \w{3}/);
    expect(messages[0]!.text).toMatch(/USDT\s+[\d.]+\s+\(([+−][\d.]+ %|nothing) /);
    expect(messages[0]!.text).toMatch(/Month: [\d.,]+ so far · ≈ [\d.,]+ USDT projected/);
    const buttons = (messages[0]!.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat();
    expect(buttons.map((button) => button.text)).toEqual(["USDT details", "⚙ Digest settings", "🔕 Turn off"]);
    expect(buttons[0]).toMatchObject({ callback_data: "iv:7d:USDT:-:-" });
  });

  it("a run that died while preparing is taken over by its job's next run; the stalled run then sends nothing", async () => {
    const { harness, telegram, marks, userId } = await world();
    const dueAt = Date.now();
    const stalled = (await marks.claim(userId, isoDate(localDate(dueAt, ZONE)), "job-1")) as DayClaim;
    // Another job may not take it while the claim holds.
    await expect(deliverDigest(harness.dependencies, run(userId, "job-other", dueAt))).rejects.toBeInstanceOf(DigestRetry);
    expect(await deliverDigest(harness.dependencies, run(userId, "job-1", dueAt))).toBe("sent");
    expect(await stalled.begin()).toBe("taken-over");
    expect(telegram.botMessages(userId)).toHaveLength(1);
  });

  it("a run that died with its message on the wire is not repeated", async () => {
    const { harness, telegram, userId, redis, prefix } = await world();
    const marks = new DigestMarks(redis, prefix, 100);
    const dependencies = { ...harness.dependencies, marks };
    const dueAt = Date.now();
    const claim = (await marks.claim(userId, isoDate(localDate(dueAt, ZONE)), "job-1")) as DayClaim;
    expect(await claim.begin()).toBe("leave");
    // Within the claim time the send may still be under way: try later.
    await expect(deliverDigest(dependencies, run(userId, "job-2", dueAt))).rejects.toBeInstanceOf(DigestRetry);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await deliverDigest(dependencies, run(userId, "job-1", dueAt))).toBe("uncertain");
    expect(await deliverDigest(dependencies, run(userId, "job-2", dueAt))).toBe("uncertain");
    expect(telegram.botMessages(userId)).toHaveLength(0);
  });

  it("a network error after Telegram delivered: one digest, no retry, and the day stays sending", async () => {
    const { harness, telegram, userId, redis, prefix } = await world(1, retries());
    const dueAt = Date.now();
    telegram.dropAnswerNext("sendMessage", 1);
    expect(await deliverDigest(harness.dependencies, run(userId, "job-1", dueAt))).toBe("uncertain");
    expect(telegram.botMessages(userId)).toHaveLength(1);
    expect(telegram.calls("sendMessage")).toHaveLength(1);
    expect(await redis.get(`${prefix}digest:day:${userId}:${isoDate(localDate(dueAt, ZONE))}`)).toMatch(/^sending:job-1:/);
    // The same job retried by BullMQ, or another run of the day, sends nothing either (claims of 100 ms
    // here, so that the send is past its claim time).
    const dependencies = { ...harness.dependencies, marks: new DigestMarks(redis, prefix, 100) };
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await deliverDigest(dependencies, run(userId, "job-1", dueAt))).toBe("uncertain");
    expect(await deliverDigest(dependencies, run(userId, "job-2", dueAt))).toBe("uncertain");
    expect(telegram.botMessages(userId)).toHaveLength(1);
  });

  it("a retried try whose first got no answer does not pass the day's mark again", async () => {
    const { userId, marks } = await world();
    const claim = (await marks.claim(userId, isoDate(localDate(Date.now(), ZONE)), "job-1")) as DayClaim;
    expect(await claim.begin()).toBe("leave");
    // No answer came: a second try is refused by the mark itself.
    expect(await claim.begin()).toBe("uncertain");
    expect(await claim.begin()).toBe("uncertain");
  });

  it("retries a 429 inside the bot's retries and sends once: Telegram's answer tells nothing was delivered", async () => {
    const { harness, telegram, userId } = await world(1, retries());
    telegram.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    expect(await deliverDigest(harness.dependencies, run(userId, "job-429"))).toBe("sent");
    expect(telegram.calls("sendMessage").map((call) => call.response?.ok)).toEqual([false, true]);
    expect(telegram.botMessages(userId)).toHaveLength(1);
  });

  it("Telegram out of reach: the retries give up within their budget, and the day is given back for a later run", async () => {
    const { harness, userId, marks } = await world();
    // A port nobody listens on: every try is refused before anything leaves.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const api = new Api(harness.dependencies.api.token, { apiRoot: `http://127.0.0.1:${port}` });
    api.config.use(onTheWire, ...retries());
    const started = Date.now();
    await expect(deliverDigest({ ...harness.dependencies, api }, run(userId, "unreachable"))).rejects.toBeInstanceOf(HttpError);
    expect(Date.now() - started).toBeLessThan(QUICK_RETRIES.budgetMs + 2_000);
    expect(typeof (await marks.claim(userId, isoDate(localDate(Date.now(), ZONE)), "later"))).toBe("object");
  });

  it("a digest missed while every replica was down goes out late, once, saying so", async () => {
    const { harness, telegram, userId } = await world();
    const dueAt = Date.now() - 2 * 3600_000;
    expect(await deliverDigest(harness.dependencies, run(userId, "late", dueAt))).toBe("sent");
    expect(await deliverDigest(harness.dependencies, run(userId, "late-again", dueAt))).toBe("already-sent");
    const messages = telegram.botMessages(userId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toMatch(/This digest was due \d{1,2} \w{3} \d\d:\d\d UTC\+\d; I was unavailable then/);
  });

  it("switches the schedule off for a user who blocked the bot, without failing", async () => {
    const { harness, telegram, userId } = await world();
    await harness.dependencies.schedule.apply(userId, { ...DEFAULT_DIGEST, on: true }, ZONE);
    expect(await harness.dependencies.schedule.next(userId)).toBeDefined();
    telegram.blockBot(userId);
    expect(await deliverDigest(harness.dependencies, run(userId, "blocked"))).toBe("blocked");
    expect((await harness.preferences.digest(userId)).on).toBe(false);
    expect(await harness.dependencies.schedule.next(userId)).toBeUndefined();
    expect(await deliverDigest(harness.dependencies, run(userId, "next-day", Date.now() + DAY))).toBe("off");
  });

  it("tells once that the key stopped working, stays quiet on later days, and resumes when it works", async () => {
    const { harness, telegram, account, userId } = await world();
    const passphrase = account.passphrase;
    account.passphrase = "Changed-On-OKX-1";
    const today = Date.now();
    expect(await deliverDigest(harness.dependencies, run(userId, "d1", today))).toBe("key-notice");
    expect(await deliverDigest(harness.dependencies, run(userId, "d2", today + DAY))).toBe("quiet");
    expect(await deliverDigest(harness.dependencies, run(userId, "d3", today + 2 * DAY))).toBe("quiet");
    expect(telegram.botMessages(userId).map((message) => message.text)).toEqual([
      expect.stringMatching(/OKX refused your key \(50105: .+\)\. \/connect a working key/),
    ]);

    account.passphrase = passphrase;
    expect(await deliverDigest(harness.dependencies, run(userId, "d4", today + 3 * DAY))).toBe("sent");
    account.passphrase = "Changed-Again-1";
    expect(await deliverDigest(harness.dependencies, run(userId, "d5", today + 4 * DAY))).toBe("key-notice");
    expect(telegram.botMessages(userId)).toHaveLength(3);
  });

  it("gives the day back and asks to be retried while OKX is down", async () => {
    const { harness, okx, telegram, marks, userId } = await world();
    okx.inject({ kind: "unavailable" }, 50);
    await expect(deliverDigest(harness.dependencies, run(userId, "down"))).rejects.toBeInstanceOf(DigestRetry);
    expect(telegram.botMessages(userId)).toHaveLength(0);
    // The day was given back: a later run may claim it.
    expect(typeof (await marks.claim(userId, isoDate(localDate(Date.now(), ZONE)), "later"))).toBe("object");
  });

  it("honours retry_after for every replica: after a 429 no digest is sent before it has passed", async () => {
    const { harness, telegram, users, prefix } = await world(2);
    const [userId, other] = users as [number, number];
    telegram.failNext("sendMessage", 1, { code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    const first = deliverDigest(harness.dependencies, run(userId, "first"));
    const refused = await telegram.waitFor((call) => call.method === "sendMessage" && call.response?.ok === false, 10_000, 0);
    // Another replica: its own pacer on its own connection, the same Redis.
    const replica = { ...harness.dependencies, pacer: new SendPacer(harness.connection, prefix, 25) };
    expect(await deliverDigest(replica, run(other, "second"))).toBe("sent");
    expect(await first).toBe("sent");
    const delivered = telegram.calls("sendMessage").filter((call) => call.response?.ok === true);
    expect(delivered).toHaveLength(2);
    for (const call of delivered) expect(call.time - refused.time).toBeGreaterThanOrEqual(1000);
  });
});

describe("the send pace", () => {
  it("spaces sends from two replicas evenly: never closer than 1000 / rate ms in Redis's order", async () => {
    const { redis, prefix } = testRedis();
    const other = redis.duplicate();
    closers.push(async () => void (await other.quit()));
    const pacers = [new SendPacer(redis, prefix, 20), new SendPacer(other, prefix, 20)];
    const times: number[] = [];
    await Promise.all(Array.from({ length: 24 }, (_, index) => pacers[index % 2]!.slot().then(() => times.push(performance.now()))));
    times.sort((a, b) => a - b);
    // 24 slots 50 ms apart on Redis's clock: the last 23 × 50 ms after the first, less what the replies'
    // transit may shift (timers fire late, never early; a caller woken late takes a later slot).
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(23 * 50 - 100);
  });
});

describe("the worker", () => {
  it("two workers on one queue, two jobs per user for the same day: one digest each", async () => {
    const { harness, telegram, users } = await world(6);
    const finished: string[] = [];
    const workers = [0, 1].map(() =>
      startDigestWorker({
        ...harness.dependencies,
        connection: harness.connection,
        prefix: harness.bullPrefix,
        concurrency: 4,
        onFinished: (outcome) => finished.push(outcome),
      }),
    );
    closers.push(async () => void (await Promise.all(workers.map((worker) => worker.close()))));
    for (const id of users) {
      // Whichever runs second finds the day taken (or, while the first prepares, retries shortly: for as long
      // as a loaded machine takes to prepare it).
      for (const jobId of [`first-${id}`, `second-${id}`])
        await harness.queue.add("digest", { userId: id }, { jobId, attempts: 100, backoff: { type: "fixed", delay: 200 } });
    }
    // Every job's outcome, however slowly a loaded machine gets through them: the test is of how many, not how fast.
    const deadline = Date.now() + 60_000;
    while (finished.length < users.length * 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const id of users) expect(telegram.botMessages(id).length, `user ${id}`).toBe(1);
    expect(finished.filter((outcome) => outcome === "sent")).toHaveLength(users.length);
    expect(finished.filter((outcome) => outcome === "already-sent")).toHaveLength(users.length);
  }, 90_000);
});
