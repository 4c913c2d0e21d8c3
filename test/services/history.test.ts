import { afterEach, describe, expect, it } from "vitest";
import { recordIdentity } from "../../src/domain/interest-record.js";
import { HistorySync } from "../../src/services/history.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fakeAccount, generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { credentialsOf, startOkxHarness, type OkxHarness } from "../support/okx-harness.js";
import { testRedis } from "../support/redis.js";

let harness: OkxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const identities = (records: { ts: string; type: string; ccy: string; instId: string; mgnMode: string }[]) =>
  records.map(recordIdentity).sort();

describe("history cache", () => {
  it("holds exactly OKX's records across refreshes, resumed walks and new hours: no gap, no duplicate", async () => {
    let clock = Date.UTC(2026, 10, 20, 12, 30);
    const account = fakeAccount({ name: "cache", endTs: clock, hours: 24 * 6 });
    const { redis, prefix } = testRedis();
    harness = await startOkxHarness({ redis, prefix, accounts: [account], windowMs: 40 });
    const cache = new InterestCache(redis, prefix);
    const sync = new HistorySync(harness.client, cache, () => clock);
    const credentials = credentialsOf(account);
    const held = () => cache.range(account.uid, 0, Number.MAX_SAFE_INTEGER);
    const okxHas = (since: number) => account.records.filter((record) => Number(record.ts) >= since);

    // A walk stopped by its deadline after the first page, then resumed.
    const twoDays = clock - 2 * 24 * HOUR_MS;
    const stopped = await sync.ensure(account.uid, credentials, twoDays, { priority: "interactive", deadline: clock - 1 });
    expect(stopped.complete).toBe(false);
    const resumed = await sync.ensure(account.uid, credentials, twoDays, { priority: "interactive" });
    expect(resumed).toMatchObject({ complete: true, oldest: twoDays });
    expect(identities(await held())).toEqual(identities(okxHas(twoDays)));

    // Three new hours at OKX; a refresh asks for what is newer, and one request is enough.
    const newHours = generateAccruals({ seed: 9, endTs: clock + 3 * HOUR_MS, hours: 3 });
    account.records.unshift(...newHours);
    clock += 3 * HOUR_MS;
    const refreshed = await sync.ensure(account.uid, credentials, twoDays, { priority: "interactive" });
    expect(refreshed.requests).toBe(1);
    expect(identities(await held())).toEqual(identities(okxHas(twoDays)));

    // Nothing new: one request, nothing added.
    const again = await sync.ensure(account.uid, credentials, twoDays, { priority: "interactive" });
    expect(again.requests).toBe(1);

    // Further back: pages from the oldest held hour on, without repeating what is held.
    const fiveDays = clock - 5 * 24 * HOUR_MS;
    await sync.ensure(account.uid, credentials, fiveDays, { priority: "interactive" });
    const all = await held();
    expect(new Set(identities(all)).size).toBe(all.length);
    expect(identities(all)).toEqual(identities(okxHas(twoDays - 3 * 24 * HOUR_MS + 3 * HOUR_MS)));
    expect((await cache.lines(account.uid)).map((line) => line.ccy)).toEqual(["BTC", "ETH", "USDT", "USDT"]);
  });
});
