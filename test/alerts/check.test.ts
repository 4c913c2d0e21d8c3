import { randomBytes } from "node:crypto";
import type { InlineKeyboardMarkup } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { AlertRetry, checkAlerts, releaseAlerts, type AlertDependencies, type AlertOutcome } from "../../src/alerts/check.js";
import { startAlertWorker } from "../../src/alerts/worker.js";
import { wallClock } from "../../src/domain/time.js";
import { alertHarness, type AlertHarness } from "../support/alert-harness.js";
import { fakeAccount, startFakeOkx, type FakeOkx, type FakeOkxAccount } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import { testRedis } from "../support/redis.js";

const HOUR = 3600_000;
const ZONE = "Europe/London";
const USDT = { ccy: "USDT", mgnMode: "cross" as const, instId: "" };
const BTC = { ccy: "BTC", mgnMode: "isolated" as const, instId: "BTC-USDT" };
const LINES = [
  { ...USDT, liability: 2500, hourlyRate: 0.0000040833 },
  { ...BTC, liability: 0.05, hourlyRate: 0.0000011416 },
];
/** About 3.6 % a year, and about 43.8 % a year: below and above a 20 % level. */
const CALM = "0.000004";
const SQUEEZE = "0.00005";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

let nextUser = 7100;

interface World {
  okx: FakeOkx;
  telegram: FakeTelegram;
  account: FakeOkxAccount;
  userId: number;
  /** A replica: its own Redis connections, OKX client and limiter, walk, send pace; the same Redis and stored keys. */
  replica: () => AlertHarness;
  /** The evaluation's clock: the newest hour written, plus ten minutes. */
  clock: { now: number };
  /** Writes the next hour's accruals at these rates (USDT, then BTC) and moves the clock to it. */
  hour: (usdt: string, btc?: string) => number;
}

/** One person with a stored key and a week and more of history ending hours ago, the fakes, and replicas on one Redis. */
async function world(): Promise<World> {
  const { redis, prefix } = testRedis();
  const userId = nextUser++;
  let newest = Math.floor(Date.now() / HOUR) * HOUR - 12 * HOUR;
  const account = fakeAccount({ name: `alerts-${userId}`, hours: 24 * 9, lines: LINES, endTs: newest });
  const okx = await startFakeOkx({ accounts: [account], windowMs: 40 });
  const telegram = await startFakeTelegram();
  closers.push(
    () => okx.close(),
    () => telegram.close(),
  );
  const masterKey = randomBytes(32).toString("base64");
  const replica = () => {
    const connection = redis.duplicate();
    const harness = alertHarness({ redis: connection, prefix, okxUrls: okx.urls, telegram, masterKey, perSecond: 25, okxWindowMs: 40 });
    // A replica stopped in the test is not stopped again.
    let closed: Promise<void> | undefined;
    const close = () => (closed ??= harness.close().then(async () => void (await connection.quit())));
    closers.push(close);
    return { ...harness, close };
  };
  const first = replica();
  telegram.sendText(telegram.user(userId, { language_code: "en" }), "/start");
  await first.connect(userId, account);
  await first.preferences.setTimeZone(userId, ZONE);
  await first.alerts.settings.set(userId, { rules: [{ kind: "yearly", level: "0.2" }], locale: "en" });
  const clock = { now: newest + 10 * 60_000 };
  return {
    okx,
    telegram,
    account,
    userId,
    replica,
    clock,
    hour(usdt, btc = CALM) {
      newest += HOUR;
      okx.accrue(account.uid, USDT, { ts: newest, hourlyRate: usdt, liability: "2500" });
      okx.accrue(account.uid, BTC, { ts: newest, hourlyRate: btc, liability: "0.05" });
      clock.now = newest + 10 * 60_000;
      return newest;
    },
  };
}

/** The replica's alert parts on the world's clock. */
const onClock = (harness: AlertHarness, clock: { now: number }): AlertDependencies => ({ ...harness.alerts, now: () => clock.now });

/** A check as of now (a new hour's request to OKX); a run that finds another one sending says "retry". */
async function check(dependencies: AlertDependencies, userId: number, jobId: string): Promise<AlertOutcome | "retry"> {
  try {
    return await checkAlerts(dependencies, { jobId, userId, at: Date.now() });
  } catch (error) {
    if (error instanceof AlertRetry) return "retry";
    throw error;
  }
}

const texts = (telegram: FakeTelegram, userId: number) => telegram.botMessages(userId).map((message) => message.text);

describe("the hourly check", () => {
  it("alerts once per crossing: two replicas checking the same hour, a restart, a run that died after deciding", async () => {
    const { telegram, userId, replica, clock, hour } = await world();
    const [a, b] = [replica(), replica()];
    hour(CALM);
    await Promise.all([check(onClock(a, clock), userId, "a1"), check(onClock(b, clock), userId, "b1")]);
    expect(texts(telegram, userId)).toEqual([]);

    // The rate jumps: both replicas check the hour at once; one message.
    hour(SQUEEZE);
    await Promise.all([check(onClock(a, clock), userId, "a2"), check(onClock(b, clock), userId, "b2")]);
    // Whichever lost the send's claim comes back later and finds it sent.
    await check(onClock(b, clock), userId, "b2");
    expect(texts(telegram, userId)).toHaveLength(1);
    const [alert] = telegram.botMessages(userId);
    expect(alert!.text).toContain("Borrowing turned expensive");
    expect(alert!.text).toMatch(/USDT cross · alerts-\d+-readonly/);
    expect(alert!.text).toMatch(/Yearly rate 43\.8 %: at or above your 20 %/);
    expect(alert!.text).toMatch(/Rate now 0\.005 %\/h ≈ 43\.8 % a year/);
    expect(alert!.text).toMatch(/An hour before 0\.0004 %\/h/);
    expect(alert!.text).toMatch(/7-day average 0\.000\d+ %\/h/);
    expect(alert!.text).toContain("Liability 2,500.0000 USDT");
    expect(alert!.text).toContain("Next 24 h at this rate ≈ 3.0000 USDT");
    const buttons = (alert!.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat();
    expect(buttons.map((button) => button.text)).toEqual(["USDT details", "💤 24 h", "🔕 Turn off"]);
    expect(buttons[0]).toMatchObject({ callback_data: "iv:7d:USDT:c:-" });

    // A restart: a new replica, the rate still high. Nothing new: it has not gone back below.
    await a.close();
    const c = replica();
    hour(SQUEEZE);
    await check(onClock(c, clock), userId, "c3");
    expect(texts(telegram, userId)).toHaveLength(1);

    // Below, then above again: the second crossing, decided by a run that dies before it sends.
    hour(CALM);
    await check(onClock(c, clock), userId, "c4");
    hour(SQUEEZE);
    const dying = {
      ...onClock(c, clock),
      renderer: {
        alerts: () => {
          throw new Error("killed");
        },
      },
    };
    await expect(check(dying, userId, "c5")).rejects.toThrow("killed");
    expect(texts(telegram, userId)).toHaveLength(1);
    // Its retry, on another replica, finds the hour evaluated and sends what was decided.
    await check(onClock(b, clock), userId, "c5");
    await check(onClock(c, clock), userId, "c5");
    expect(texts(telegram, userId)).toHaveLength(2);
  });

  it("asks OKX once per account and hour however many checks run for it", async () => {
    const { okx, account, userId, replica, clock, hour } = await world();
    const [a, b] = [replica(), replica()];
    hour(CALM);
    await check(onClock(a, clock), userId, "warm");
    // The walk goes on down the account's year after the check has its week: those pages are not the hour's.
    await a.history.idle();
    const path = "/api/v5/account/interest-accrued";
    const before = okx.servedAt(account.uid, path).length;
    hour(SQUEEZE);
    const at = Date.now();
    // Both check the same hour; whichever loses the alert's send claim is told to retry.
    const lostClaim = (error: unknown) => {
      if (!(error instanceof AlertRetry)) throw error;
    };
    await Promise.all([
      checkAlerts(onClock(a, clock), { jobId: "x", userId, at }).catch(lostClaim),
      checkAlerts(onClock(b, clock), { jobId: "y", userId, at }).catch(lostClaim),
    ]);
    expect(okx.servedAt(account.uid, path).length - before).toBe(1);
  });

  it("holds alerts during quiet hours and sends them once, as one message, when they end", async () => {
    const { telegram, userId, replica, clock, hour } = await world();
    const a = replica();
    hour(CALM);
    await check(onClock(a, clock), userId, "q1");
    hour(SQUEEZE, SQUEEZE);
    // Quiet from this hour on the person's clock to two hours later.
    const local = wallClock(clock.now, ZONE);
    const quiet = { from: { hour: local.hour, minute: 0 }, to: { hour: (local.hour + 2) % 24, minute: 0 } };
    await a.alerts.settings.set(userId, { rules: [{ kind: "yearly", level: "0.2" }], quiet, locale: "en" });
    const outcome = await check(onClock(a, clock), userId, "q2");
    expect(outcome).toMatchObject({ decided: 2, sent: 0 });
    expect(texts(telegram, userId)).toEqual([]);
    const held = await a.alerts.state.pending(userId);
    expect(held).toHaveLength(2);
    const until = held[0]!.heldUntil!;
    expect(wallClock(until, ZONE)).toMatchObject({ hour: quiet.to.hour, minute: 0 });
    // Its release is scheduled at the end of the quiet hours.
    const release = await a.alertQueue.getJob(`release-${userId}-${until}`);
    expect(release?.data).toEqual({ kind: "release", userId, at: until });

    const b = replica();
    const runs = await Promise.all([
      releaseAlerts(onClock(a, clock), { jobId: release!.id!, userId, at: until }),
      releaseAlerts(onClock(b, clock), { jobId: release!.id!, userId, at: until }).catch(() => false),
    ]);
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(await releaseAlerts(onClock(b, clock), { jobId: "again", userId, at: until })).toBe(false);
    const messages = telegram.botMessages(userId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain("Held during your quiet hours: 2 alerts");
    expect(messages[0]!.text).toMatch(/BTC isolated BTC-USDT/);
    expect((messages[0]!.reply_markup as InlineKeyboardMarkup).inline_keyboard).toHaveLength(2);
  });

  it("a snoozed line stays quiet through a crossing; a rule turned off is not checked", async () => {
    const { telegram, userId, account, replica, clock, hour } = await world();
    const a = replica();
    hour(CALM);
    await check(onClock(a, clock), userId, "s1");
    await a.alerts.settings.snooze(userId, account.uid, "yearly:*@USDT|cross|", clock.now + 24 * HOUR);
    hour(SQUEEZE, SQUEEZE);
    await check(onClock(a, clock), userId, "s2");
    expect(texts(telegram, userId)).toHaveLength(1);
    expect(texts(telegram, userId)[0]).toContain("BTC isolated");
    await a.alerts.settings.set(userId, { rules: [], locale: "en" });
    hour(CALM, CALM);
    hour(SQUEEZE, SQUEEZE);
    expect(await check(onClock(a, clock), userId, "s3")).toEqual({ checked: 0, decided: 0, sent: 0 });
    expect(texts(telegram, userId)).toHaveLength(1);
  });

  it("the hour's job checks each person with a rule once, across two workers", async () => {
    const { telegram, userId, replica, clock, hour } = await world();
    const [a, b] = [replica(), replica()];
    hour(CALM);
    await check(onClock(a, clock), userId, "w0");
    hour(SQUEEZE);
    const checked: AlertOutcome[] = [];
    const workers = [a, b].map((harness) =>
      startAlertWorker({
        ...harness.alerts,
        now: () => clock.now,
        connection: harness.connection,
        prefix: harness.bullPrefix,
        concurrency: 4,
        onChecked: (outcome) => checked.push(outcome),
      }),
    );
    closers.push(async () => void (await Promise.all(workers.map((worker) => worker.close()))));
    // Both replicas' hourly jobs (a restart adds it again): one check.
    await a.alertQueue.add("hour", { kind: "hour" }, { jobId: "hour-1" });
    await b.alertQueue.add("hour", { kind: "hour" }, { jobId: "hour-2" });
    const deadline = Date.now() + 15_000;
    while (texts(telegram, userId).length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts(telegram, userId)).toHaveLength(1);
    expect(checked.reduce((sum, outcome) => sum + outcome.decided, 0)).toBe(1);
  });
});
