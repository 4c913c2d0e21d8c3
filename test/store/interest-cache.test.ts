import { describe, expect, it } from "vitest";
import { recordIdentity, type InterestRecord } from "../../src/domain/interest-record.js";
import { dailyInterest } from "../../src/domain/daily.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fillCache } from "../support/cache.js";
import { DEFAULT_LINES, generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

const FIELDS = ["type", "ccy", "instId", "mgnMode", "interest", "interestRate", "liab", "totalLiab", "interestFreeLiab", "ts"] as const;
const byTime = (a: InterestRecord, b: InterestRecord) => Number(a.ts) - Number(b.ts) || recordIdentity(a).localeCompare(recordIdentity(b));
const sorted = (records: readonly InterestRecord[]) => [...records].sort(byTime);

describe("interest cache", () => {
  it("gives every record of a range once, in time order, whole or a month at a time", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const endTs = Date.UTC(2026, 5, 1, 6);
    const records = generateAccruals({ hours: 24 * 70, endTs });
    await fillCache(cache, "42", records);
    const from = endTs - 60 * 24 * HOUR_MS;
    const expected = records.filter((record) => Number(record.ts) >= from).reverse();
    const range = await cache.range("42", from, endTs);
    const times = range.map((record) => Number(record.ts));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(sorted(range)).toEqual(sorted(expected));
    const months = [];
    for await (const batch of cache.batches("42", from, endTs)) months.push(batch);
    expect(months.length).toBe(3);
    expect(months.flat()).toEqual(range);
    const empty = [];
    for await (const batch of cache.batches("nobody", from, endTs)) empty.push(batch);
    expect(empty).toEqual([]);
  });

  it("keeps one record per hour and line: a record sent again, or written differently, replaces the one held", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const records = generateAccruals({ hours: 48, endTs: Date.UTC(2026, 5, 1) });
    await fillCache(cache, "7", records);
    const again = records.slice(10, 20).map((record, index) => (index === 0 ? { ...record, interest: `${record.interest}00` } : record));
    await fillCache(cache, "7", again);
    const held = await cache.range("7", 0, Date.UTC(2027, 0, 1));
    expect(held.length).toBe(records.length);
    expect(held.find((record) => recordIdentity(record) === recordIdentity(again[0]!))?.interest).toBe(again[0]!.interest);
  });

  it("gives back times exact enough for local days in half-hour zones, as the records OKX sent", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const to = Date.UTC(2026, 9, 20);
    const records = generateAccruals({ hours: 24 * 120, endTs: to });
    await fillCache(cache, "11", records);
    const from = to - 100 * 24 * HOUR_MS;
    const held = await cache.range("11", from, to);
    for (const zone of ["Asia/Kolkata", "Australia/Adelaide", "Asia/Kathmandu"]) {
      expect(dailyInterest(held, from, to, zone), zone).toEqual(dailyInterest(records, from, to, zone));
    }
  });

  it("takes at most 32 bytes of Redis a record for a year of four lines", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const records = generateAccruals({ hours: 365 * 24, endTs: Date.UTC(2026, 10, 1), lines: DEFAULT_LINES });
    await fillCache(cache, "9", records);
    const keys = await redis.keys(`${prefix}rec:9*`);
    let bytes = 0;
    for (const key of keys) bytes += (await redis.memory("USAGE", key)) ?? 0;
    expect(bytes / records.length).toBeLessThanOrEqual(32);
  });

  it("moves a cache of the layout before blocks on first use: no record lost or changed, coverage kept, old keys gone", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const endTs = Date.UTC(2026, 10, 1);
    const records = generateAccruals({ hours: 24 * 45, endTs });
    // The old layout: a sorted set of JSON arrays by time, the covered stretch and the lines seen.
    const members = records.flatMap((record) => [Number(record.ts), JSON.stringify(FIELDS.map((field) => record[field]))]);
    const oldest = endTs - 45 * 24 * HOUR_MS;
    await redis
      .multi()
      .zadd(`${prefix}rec:5`, ...members)
      .hset(`${prefix}rec:5:cover`, { oldest: String(oldest), newest: String(endTs) })
      .sadd(`${prefix}rec:5:lines`, JSON.stringify(["USDT", "cross", ""]))
      .exec();
    const lease = { token: "migrate", leaseMs: 10_000 };
    expect(await cache.takeLease("5", lease.token, lease.leaseMs)).toBe(true);
    expect(await cache.migrate("5", lease)).toBe(records.length);
    expect(sorted(await cache.range("5", 0, endTs))).toEqual(sorted(records));
    expect((await cache.state("5")).spans).toEqual([{ from: oldest, to: endTs - 1 }]);
    expect(await redis.exists(`${prefix}rec:5`, `${prefix}rec:5:cover`, `${prefix}rec:5:lines`)).toBe(0);
    expect(await cache.migrate("5", lease)).toBe(0);
  });

  it("refuses writes of a walk whose lease is gone, and clears every key of the account", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const records = generateAccruals({ hours: 24, endTs: Date.UTC(2026, 5, 1) });
    const lease = { token: "walk.1", leaseMs: 10_000 };
    expect(await cache.takeLease("3", lease.token, lease.leaseMs)).toBe(true);
    expect(await cache.takeLease("3", "walk.2", lease.leaseMs)).toBe(false);
    expect(await cache.savePage("3", lease, records, { from: 0, to: Date.UTC(2026, 5, 1) })).toBe(true);
    await cache.clear("3");
    expect(await cache.savePage("3", lease, records, { from: 0, to: Date.UTC(2026, 5, 1) })).toBe(false);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });
});
