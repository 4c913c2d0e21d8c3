import { afterEach, describe, expect, it } from "vitest";
import { recordIdentity, type InterestRecord } from "../../src/domain/interest-record.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { HistoryLoader } from "../../src/services/history.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fillCache } from "../support/cache.js";
import { BEFORE_READINGS, fakeAccount, generateAccruals, HOUR_MS, type BeforeReading, type FakeOkxAccount } from "../support/fake-okx/index.js";
import { credentialsOf, startOkxHarness, type OkxHarness } from "../support/okx-harness.js";
import { testRedis } from "../support/redis.js";

let harness: OkxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const DAY_MS = 24 * HOUR_MS;
const YEAR_MS = 365 * DAY_MS;
const identities = (records: readonly InterestRecord[]) => records.map(recordIdentity).sort();

async function setUp(accounts: FakeOkxAccount[], beforeReading: BeforeReading, clock: () => number) {
  const { redis, prefix } = testRedis();
  harness = await startOkxHarness({ redis, prefix, accounts, windowMs: 40, beforeReading });
  const cache = new InterestCache(redis, prefix);
  const loader = (options: { leaseMs?: number; keepMs?: number } = {}) =>
    new HistoryLoader(harness!.client, cache, { now: clock, pollMs: 20, ...options });
  return { redis, prefix, cache, loader, fake: harness.fake };
}

describe.each(BEFORE_READINGS)("history walks with OKX reading `before` as %s", (reading) => {
  it("load a year by themselves, then ask only for what is newer: every record once, none missing", async () => {
    let clock = Date.UTC(2026, 10, 20, 12, 30);
    // Four lines an hour and pages of 100: most pages end inside an hour.
    const account = fakeAccount({ name: `year-${reading}`, endTs: clock, hours: 24 * 40 });
    const { cache, loader, fake } = await setUp([account], reading, () => clock);
    const history = loader();
    const okxHas = (since: number) => identities(account.records.filter((record) => Number(record.ts) >= since));

    history.start(account.uid, credentialsOf(account));
    await history.idle();
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(okxHas(0));
    const walked = fake.stats.requests;
    expect(walked).toBeLessThanOrEqual(Math.ceil(account.records.length / 100) + 1);

    // A question a minute later needs no walk back: one request for what is newer.
    clock += 60_000;
    const answer = await history.ensure(account.uid, credentialsOf(account), clock - 30 * DAY_MS, { priority: "interactive" });
    expect(answer).toEqual({ complete: true, coveredFrom: clock - 30 * DAY_MS });
    expect(fake.stats.requests - walked).toBe(1);

    // Three new hours at OKX, one of them a record sent again written differently.
    const newHours = generateAccruals({ seed: 9, endTs: clock + 3 * HOUR_MS, hours: 3 });
    account.records.unshift(...newHours);
    const resent = account.records.find((record) => Number(record.ts) === Math.floor(clock / HOUR_MS) * HOUR_MS)!;
    resent.liab = `${resent.liab}0`.replace(/^(\d+)0$/, "$1.0");
    clock += 3 * HOUR_MS;
    await history.ensure(account.uid, credentialsOf(account), clock - DAY_MS, { priority: "interactive" });
    const held = await cache.range(account.uid, 0, clock);
    expect(identities(held)).toEqual(okxHas(0));
    expect(held.find((record) => recordIdentity(record) === recordIdentity(resent))?.liab).toBe(resent.liab);
  });

  it("answer at the deadline with what is held and go on loading without being asked again", async () => {
    const clock = Date.now();
    const account = fakeAccount({ name: `deadline-${reading}`, endTs: clock, hours: 24 * 20 });
    const { cache, loader } = await setUp([account], reading, Date.now);
    const history = loader();
    const started = Date.now();
    const answer = await history.ensure(account.uid, credentialsOf(account), clock - YEAR_MS, { priority: "interactive", deadline: Date.now() + 60 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer.complete).toBe(false);
    // What a partial answer claims is held, from where it says, up to now.
    const claimed = account.records.filter((record) => Number(record.ts) >= answer.coveredFrom);
    expect(identities(await cache.range(account.uid, answer.coveredFrom, clock))).toEqual(identities(claimed));
    await history.idle();
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(account.records));
  });

  it("load the history even for a question whose budget was spent before it first looked", async () => {
    const clock = Date.now();
    const account = fakeAccount({ name: `spent-${reading}`, endTs: clock, hours: 24 * 3 });
    const { cache, loader } = await setUp([account], reading, Date.now);
    const history = loader();
    const answer = await history.ensure(account.uid, credentialsOf(account), clock - YEAR_MS, { priority: "interactive", deadline: clock - 1 });
    expect(answer.complete).toBe(false);
    await history.idle();
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(account.records));
  });

  it("fill the gap of a person back after months: the newest first, then what lies between", async () => {
    let clock = Date.UTC(2026, 5, 1);
    const account = fakeAccount({ name: `back-${reading}`, endTs: Date.UTC(2026, 10, 20), hours: 24 * 200 });
    const { cache, loader } = await setUp([account], reading, () => clock);
    // Held from before: two weeks, as of 1 June.
    const before = account.records.filter((record) => Number(record.ts) < clock && Number(record.ts) >= clock - 14 * DAY_MS);
    await fillCache(cache, account.uid, before, { from: clock - 14 * DAY_MS, to: clock - 1 });
    clock = Date.UTC(2026, 10, 20, 0, 30);
    const history = loader();
    const week = await history.ensure(account.uid, credentialsOf(account), clock - 7 * DAY_MS, { priority: "interactive" });
    expect(week.complete).toBe(true);
    const state = await cache.state(account.uid);
    expect(state.spans.length).toBeGreaterThanOrEqual(1);
    await history.idle();
    const okxHas = account.records.filter((record) => Number(record.ts) >= clock - YEAR_MS);
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(okxHas));
    const { spans } = await cache.state(account.uid);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.from).toBeLessThanOrEqual(clock - YEAR_MS);
  });
});

describe("one walk per account", () => {
  it("answers a question for a year whose start moved on while it waited, once the walk is done", async () => {
    // Time runs on, a minute with every reading of the clock: the year the walk reaches ends later than the question's.
    let clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "moving", endTs: clock, hours: 24 * 30 });
    const { loader } = await setUp([account], "newest-first", () => (clock += 60_000));
    const history = loader();
    const answer = await history.ensure(account.uid, credentialsOf(account), clock - YEAR_MS, {
      priority: "interactive",
      deadline: clock + 24 * 3_600_000,
    });
    expect(answer.complete).toBe(true);
  });

  it("is shared: a second loader (another replica) waits for the first walk instead of paging the same stretch", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "shared", endTs: clock, hours: 24 * 20 });
    const { cache, loader, fake } = await setUp([account], "newest-first", () => clock);
    const [one, two] = [loader(), loader()];
    const answers = await Promise.all([
      one.ensure(account.uid, credentialsOf(account), 0, { priority: "interactive" }),
      two.ensure(account.uid, credentialsOf(account), 0, { priority: "background" }),
    ]);
    expect(answers.every((answer) => answer.complete)).toBe(true);
    await Promise.all([one.idle(), two.idle()]);
    // One walk of the whole history, plus at most a refresh of the newest page for the question that came second.
    expect(fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length).toBeLessThanOrEqual(Math.ceil(account.records.length / 100) + 2);
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(account.records));
  });

  it("is taken over once its holder has died and its lease lapsed", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "takeover", endTs: clock, hours: 24 * 5 });
    const { cache, loader } = await setUp([account], "newest-first", () => clock);
    // A holder that took the lease and died.
    expect(await cache.takeLease(account.uid, "dead.1", 300)).toBe(true);
    const answer = await loader({ leaseMs: 300 }).ensure(account.uid, credentialsOf(account), 0, { priority: "interactive" });
    expect(answer.complete).toBe(true);
    expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(account.records));
  });

  it("stops writing once the account is cleared under it, leaving no coverage of records no longer held", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "cleared", endTs: clock, hours: 24 * 60 });
    const { cache, loader, redis, prefix } = await setUp([account], "nearest-oldest-first", () => clock);
    const history = loader();
    history.start(account.uid, credentialsOf(account));
    while ((await cache.state(account.uid)).pages < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await cache.clear(account.uid);
    await history.idle();
    expect(await cache.state(account.uid)).toEqual({ spans: [], refreshedAt: 0, wantedAt: 0, pages: 0 });
    expect(await cache.range(account.uid, 0, clock)).toEqual([]);
    expect(await redis.keys(`${prefix}rec:*`)).toEqual([]);
  });

  it("starts no walk again for a question whose key was erased while it waited, so the erased history stays erased", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "erased", endTs: clock, hours: 24 * 60 });
    const { cache, loader, redis, prefix } = await setUp([account], "newest-first", () => clock);
    const history = loader();
    let keyHeld = true;
    const waiting = history.ensure(account.uid, credentialsOf(account), 0, { priority: "background", keyHeld: () => Promise.resolve(keyHeld) });
    while ((await cache.state(account.uid)).pages < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    // `/disconnect`: the key, then the account's history.
    keyHeld = false;
    await cache.clear(account.uid);
    expect(await waiting).toMatchObject({ complete: false, keyGone: true });
    await history.idle();
    expect(await redis.keys(`${prefix}rec:*`)).toEqual([]);
  });
});

describe("what OKX no longer serves", () => {
  it("is kept for the keep horizon (OKX's year with 0), whole months at a time, and paged for never", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    // What a walk saved 400 and 800 days ago, while the key was connected; OKX now serves forty days.
    const kept = generateAccruals({ seed: 3, endTs: clock - 400 * DAY_MS, hours: 72 });
    const older = generateAccruals({ seed: 4, endTs: clock - 800 * DAY_MS, hours: 72 });
    const spanOf = (records: readonly InterestRecord[]) => ({ from: Number(records[records.length - 1]!.ts), to: Number(records[0]!.ts) });
    const accounts = [730, 0].map((days) => fakeAccount({ name: `keep-${days}`, endTs: clock, hours: 24 * 40 }));
    const fresh = fakeAccount({ name: "keep-fresh", endTs: clock, hours: 24 * 40 });
    const { cache, loader, fake } = await setUp([...accounts, fresh], "newest-first", () => clock);
    // The pages of a walk of what OKX serves, for an account with nothing older held.
    await loader().ensure(fresh.uid, credentialsOf(fresh), clock - 2 * YEAR_MS, { priority: "interactive" });
    const walk = fake.servedAt(fresh.uid, INTEREST_ACCRUED_PATH).length;
    for (const [index, days] of [730, 0].entries()) {
      const account = accounts[index]!;
      await fillCache(cache, account.uid, kept, spanOf(kept));
      await fillCache(cache, account.uid, older, spanOf(older));
      const history = loader({ keepMs: days * DAY_MS });
      await history.ensure(account.uid, credentialsOf(account), clock - 2 * YEAR_MS, { priority: "interactive" });
      await history.idle();
      // Nothing asked of OKX before its year: the same walk of what it serves, no gap sought down to what was kept.
      expect(fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length).toBe(walk);
      const expected = days === 730 ? [...account.records, ...kept] : account.records;
      expect(identities(await cache.range(account.uid, 0, clock))).toEqual(identities(expected));
      // Only what is still held is claimed: the kept stretch (in figures), nothing of the months dropped.
      const { spans } = await cache.state(account.uid);
      expect(spans.every((span) => span.to >= clock - Math.max(days, 365) * DAY_MS - 31 * DAY_MS)).toBe(true);
      if (days === 730) expect(spans).toContainEqual(spanOf(kept));
    }
  });

  it("is answered from the cache for a question reaching back past OKX's year: from where the held history begins", async () => {
    const clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "kept-question", endTs: clock, hours: 24 * 10 });
    // Held without a break from 400 days ago, as by a key connected all that time.
    const kept = generateAccruals({ seed: 5, endTs: clock - 10 * DAY_MS - HOUR_MS, hours: 390 * 24 });
    const { cache, loader } = await setUp([account], "newest-first", () => clock);
    await fillCache(cache, account.uid, kept, { from: Number(kept[kept.length - 1]!.ts), to: clock - 10 * DAY_MS - 1 });
    const history = loader({ keepMs: 730 * DAY_MS });
    const since = clock - 500 * DAY_MS;
    expect(await history.ensure(account.uid, credentialsOf(account), since, { priority: "interactive" })).toEqual({
      complete: true,
      coveredFrom: Number(kept[kept.length - 1]!.ts),
    });
    await history.idle();
    expect(identities(await cache.range(account.uid, since, clock))).toEqual(identities([...account.records, ...kept]));
  });
});
