import { afterEach, describe, expect, it } from "vitest";
import { recordIdentity, type InterestRecord } from "../../src/domain/interest-record.js";
import { findKeyRegion, fetchAccountConfig, excessPermissions } from "../../src/okx/account.js";
import { OkxError } from "../../src/okx/errors.js";
import { fetchInterestAccrued, interestHistory, INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { okxTimestamp, sign } from "../../src/okx/sign.js";
import { fakeAccount, HOUR_MS, type FakeOkxAccount } from "../support/fake-okx/index.js";
import { credentialsOf, rawGet, startOkxHarness, type HarnessOptions, type OkxHarness } from "../support/okx-harness.js";
import { testRedis } from "../support/redis.js";

const END = Date.UTC(2026, 10, 1, 12);
const alice = fakeAccount({ name: "alice", endTs: END, hours: 24 * 10 });
const demoBob = fakeAccount({ name: "bob", demo: true, endTs: END, hours: 48 });
const eeaCarol = fakeAccount({ name: "carol", region: "eea", endTs: END, hours: 48 });
const fencedDan = fakeAccount({ name: "dan", ip: "203.0.113.7", endTs: END, hours: 2 });
const tradeOnlyEve = fakeAccount({ name: "eve", perm: "trade", endTs: END, hours: 2 });
const withdrawFrank = fakeAccount({ name: "frank", perm: "read_only,trade,withdraw", endTs: END, hours: 2 });
const everyone = [alice, demoBob, eeaCarol, fencedDan, tradeOnlyEve, withdrawFrank];

let harness: OkxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Partial<HarnessOptions> = {}): Promise<OkxHarness> {
  const { redis, prefix } = testRedis();
  harness = await startOkxHarness({ redis, prefix, accounts: everyone, windowMs: 200, ...options });
  return harness;
}

const interactive = (account: FakeOkxAccount) => ({ account: account.uid, priority: "interactive" as const });

async function failureOf(promise: Promise<unknown>): Promise<OkxError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof OkxError)) throw new Error(`expected an OkxError, got ${String(error)}`);
  return error;
}

describe("OKX client against the fake OKX", () => {
  it("fetches one page of accruals, newest first, with the filters sent as asked", async () => {
    const { client } = await start();
    const page = await fetchInterestAccrued(client, credentialsOf(alice), { ccy: "usdt", mgnMode: "cross", limit: 5 }, interactive(alice));
    expect(page).toHaveLength(5);
    expect(page.every((record) => record.ccy === "USDT" && record.mgnMode === "cross")).toBe(true);
    const times = page.map((record) => Number(record.ts));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page[0]).toEqual(alice.records.find((record) => record.ccy === "USDT" && record.mgnMode === "cross"));
  });

  it("sends demo keys with the simulated-trading header, and says when a key is for the other environment", async () => {
    const { client } = await start();
    const page = await fetchInterestAccrued(client, credentialsOf(demoBob), { limit: 1 }, interactive(demoBob));
    expect(page).toHaveLength(1);

    const liveAsDemo = await failureOf(fetchAccountConfig(client, credentialsOf(alice, { demo: true })));
    expect([liveAsDemo.code, liveAsDemo.category]).toEqual(["50101", "wrong-environment"]);
    const demoAsLive = await failureOf(fetchAccountConfig(client, credentialsOf(demoBob, { demo: false })));
    expect([demoAsLive.code, demoAsLive.category]).toEqual(["50101", "wrong-environment"]);
  });

  it.each([
    ["a wrong secret", credentialsOf(alice, { secret: "0".repeat(32) }), "50113", "bad-signature"],
    ["a wrong passphrase", credentialsOf(alice, { passphrase: "nope" }), "50105", "bad-passphrase"],
    ["an unknown key", credentialsOf(alice, { apiKey: "00000000-0000-0000-0000-000000000000" }), "50111", "bad-key"],
    ["a key of another region", credentialsOf(eeaCarol, { region: "global" }), "50119", "key-unknown"],
    ["a key bound to other IPs", credentialsOf(fencedDan), "50110", "ip-not-allowed"],
    ["a key without the Read permission", credentialsOf(tradeOnlyEve), "50120", "permission"],
  ])("maps %s to a typed error and never retries it", async (_name, credentials, code, category) => {
    const { client, fake } = await start();
    const error = await failureOf(fetchInterestAccrued(client, credentials, { limit: 1 }, { account: "x", priority: "interactive" }));
    expect([error.code, error.category, error.retryable, error.httpStatus]).toEqual([code, category, false, 401]);
    expect(fake.stats.requests).toBe(1);
    expect(error.message).not.toContain(credentials.secret);
    expect(error.message).not.toContain(credentials.passphrase);
  });

  it("refuses bad parameters before sending anything", async () => {
    const { client, fake } = await start();
    for (const params of [
      { limit: 0 },
      { limit: 101 },
      { mgnMode: "portfolio" },
      { ccy: "US DT" },
      { instId: "BTCUSDT" },
      { after: "yesterday" },
      { type: "1" },
      { after: "5", before: "9" },
    ]) {
      const error = await failureOf(fetchInterestAccrued(client, credentialsOf(alice), params as never, interactive(alice)));
      expect(error.category).toBe("bad-parameter");
    }
    expect(fake.stats.requests).toBe(0);
  });

  it("maps OKX's own parameter error", async () => {
    const { client } = await start();
    const error = await failureOf(client.privateGet(credentialsOf(alice), INTEREST_ACCRUED_PATH, { limit: "500" }, interactive(alice)));
    expect([error.code, error.category, error.message]).toEqual(["51000", "bad-parameter", "Parameter limit error"]);
  });

  it.each([
    ["an exponent", "4e-7", '"4e-7"'],
    ["a JSON number", 0.0004, "0.0004"],
    ["an empty string", "", '""'],
  ])("refuses records whose interest is %s, naming the record and the field", async (_name, interest, shown) => {
    const grace = fakeAccount({ name: "grace", endTs: END, hours: 5 });
    // The fake types its records as the bot reads them; OKX may send anything.
    grace.records[3] = { ...grace.records[3]!, interest: interest as string };
    const { client } = await start({ accounts: [grace] });
    const error = await failureOf(fetchInterestAccrued(client, credentialsOf(grace), { limit: 5 }, interactive(grace)));
    expect([error.code, error.category, error.retryable]).toEqual(["BAD_RESPONSE", "bad-response", false]);
    expect(error.message).toBe(`OKX sent interest records the bot could not read: data[3].interest must be a plain decimal string (got ${shown})`);
  });

  it("reads an empty or missing liability as no figure", async () => {
    const grace = fakeAccount({ name: "grace", endTs: END, hours: 5 });
    const { liab: _liab, ...withoutLiab } = grace.records[1]!;
    grace.records[1] = withoutLiab as InterestRecord;
    grace.records[2] = { ...grace.records[2]!, liab: "" };
    const { client } = await start({ accounts: [grace] });
    const page = await fetchInterestAccrued(client, credentialsOf(grace), { limit: 5 }, interactive(grace));
    expect([page[1]!.liab, page[2]!.liab]).toEqual(["", ""]);
  });

  it("shows at most 40 characters of what OKX sent, and counts the other problems", async () => {
    const grace = fakeAccount({ name: "grace", endTs: END, hours: 5 });
    grace.records[0] = { ...grace.records[0]!, interestRate: `${"1".repeat(60)}e-7`, liab: "1,000" };
    const { client } = await start({ accounts: [grace] });
    const error = await failureOf(fetchInterestAccrued(client, credentialsOf(grace), { limit: 5 }, interactive(grace)));
    expect(error.message).toBe(
      `OKX sent interest records the bot could not read: data[0].interestRate must be a plain decimal string (got "${"1".repeat(38)}…); and 1 more`,
    );
  });

  it.each([
    [{ kind: "http-500" as const }, "50026"],
    [{ kind: "unavailable" as const }, "50001"],
    [{ kind: "busy" as const }, "50013"],
    [{ kind: "html-502" as const }, "HTTP_502"],
    [{ kind: "drop" as const }, "NETWORK"],
  ])("retries %o with back-off until OKX answers", async (fault, code) => {
    const { client, fake } = await start();
    fake.inject(fault, 2);
    const page = await fetchInterestAccrued(client, credentialsOf(alice), { limit: 2 }, interactive(alice));
    expect(page).toHaveLength(2);
    expect(fake.stats.requests).toBe(3);

    fake.inject(fault, 10);
    const error = await failureOf(fetchInterestAccrued(client, credentialsOf(alice), { limit: 2 }, interactive(alice)));
    expect([error.code, error.category]).toEqual([code, "unavailable"]);
    expect(fake.stats.requests).toBe(3 + 5);
  });

  it("gives up on a request that takes longer than the timeout", async () => {
    const { client, fake } = await start({ client: { timeoutMs: 100, maxRetries: 1 } });
    fake.inject({ kind: "slow", ms: 400 }, 2);
    const error = await failureOf(fetchInterestAccrued(client, credentialsOf(alice), { limit: 1 }, interactive(alice)));
    expect([error.code, error.category]).toEqual(["TIMEOUT", "unavailable"]);
  });

  it("measures the clock offset after an expired timestamp and signs with corrected time", async () => {
    const { client, fake } = await start();
    fake.setClockSkew(95_000);
    const page = await fetchInterestAccrued(client, credentialsOf(alice), { limit: 1 }, interactive(alice));
    expect(page).toHaveLength(1);
    expect(fake.stats.byCode).toMatchObject({ "50102": 1, "0": 2 });
    const offset = await client.syncClock("global");
    expect(Math.abs(offset - 95_000)).toBeLessThan(1_000);
  });

  it("finds the region that knows a key and reads the account", async () => {
    const { client } = await start();
    const match = await findKeyRegion(client, credentialsOf(eeaCarol, { region: "global" }));
    expect(match.region).toBe("eea");
    expect(match.triedRegions).toEqual(["global"]);
    expect(match.config).toMatchObject({ uid: eeaCarol.uid, label: eeaCarol.label, permissions: ["read_only"] });

    const frank = await fetchAccountConfig(client, credentialsOf(withdrawFrank));
    expect(excessPermissions(frank)).toEqual(["trade", "withdraw"]);
    const wrongPassphrase = await failureOf(findKeyRegion(client, credentialsOf(alice, { passphrase: "x" })));
    expect(wrongPassphrase.category).toBe("bad-passphrase");
  });
});

describe("the fake OKX itself", () => {
  it("answers the sixth request within the window with HTTP 429 and 50011", async () => {
    const h = await start({ windowMs: 2000 });
    const answers = await Promise.all(Array.from({ length: 7 }, () => rawGet(h, alice, `${INTEREST_ACCRUED_PATH}?limit=1`)));
    expect(answers.filter((answer) => answer.body.code === "0")).toHaveLength(5);
    expect(answers.filter((answer) => answer.status === 429)).toEqual([
      { status: 429, body: { code: "50011", msg: "Too Many Requests" } },
      { status: 429, body: { code: "50011", msg: "Too Many Requests" } },
    ]);
  });

  it("checks the signature over the query exactly as sent", async () => {
    const h = await start();
    const timestamp = okxTimestamp(Date.now());
    const response = await fetch(`${h.fake.urls.global}${INTEREST_ACCRUED_PATH}?limit=1&ccy=USDT`, {
      headers: {
        "OK-ACCESS-KEY": alice.apiKey,
        "OK-ACCESS-SIGN": sign(alice.secret, timestamp, "GET", `${INTEREST_ACCRUED_PATH}?ccy=USDT&limit=1`),
        "OK-ACCESS-TIMESTAMP": timestamp,
        "OK-ACCESS-PASSPHRASE": alice.passphrase,
      },
    });
    expect([response.status, await response.json()]).toEqual([401, { code: "50113", msg: "Invalid Sign" }]);
  });

  it("pages like OKX: after = older than, before = newer than, before alone gives the newest", async () => {
    const h = await start();
    const newest = Number(alice.records[0]!.ts);
    const page = await rawGet(h, alice, `${INTEREST_ACCRUED_PATH}?ccy=BTC&before=${newest - 10 * HOUR_MS}&limit=3`);
    expect((page.body.data as { ts: string }[]).map((record) => Number(record.ts))).toEqual([newest, newest - HOUR_MS, newest - 2 * HOUR_MS]);
    const range = await rawGet(h, alice, `${INTEREST_ACCRUED_PATH}?ccy=BTC&after=${newest - HOUR_MS}&before=${newest - 4 * HOUR_MS}`);
    expect((range.body.data as { ts: string }[]).map((record) => Number(record.ts))).toEqual([newest - 2 * HOUR_MS, newest - 3 * HOUR_MS]);
  });
});

describe("history paging", () => {
  it.each([7, 100])("walks a whole history with pages of %i: nothing lost, nothing repeated", async (pageSize) => {
    const { client } = await start({ windowMs: 50 });
    const seen: string[] = [];
    for await (const page of interestHistory(client, credentialsOf(alice), { ...interactive(alice), pageSize, now: () => END })) {
      seen.push(...page.map(recordIdentity));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(alice.records.map(recordIdentity));
  });

  it("stops at the start time and honours an upper bound", async () => {
    const { client } = await start({ windowMs: 50 });
    const since = END - 48 * HOUR_MS;
    const until = END - 5 * HOUR_MS;
    const seen: string[] = [];
    const options = { ...interactive(alice), pageSize: 10, since, until };
    for await (const page of interestHistory(client, credentialsOf(alice), options)) {
      seen.push(...page.filter((record) => record.ccy === "USDT").map(recordIdentity));
    }
    const expected = alice.records.filter((record) => record.ccy === "USDT" && Number(record.ts) >= since && Number(record.ts) < until);
    expect(expected.length).toBeGreaterThan(40);
    expect(seen).toEqual(expected.map(recordIdentity));
  });

  it("goes back one year by default", async () => {
    const longAgo = fakeAccount({
      name: "grace",
      endTs: END,
      hours: 24 * 400,
      lines: [{ ccy: "USDT", mgnMode: "cross", instId: "", liability: 10, hourlyRate: 0.000004 }],
    });
    const { client } = await start({ windowMs: 20, accounts: [longAgo] });
    let oldest = Infinity;
    let count = 0;
    for await (const page of interestHistory(client, credentialsOf(longAgo), { ...interactive(longAgo), now: () => END })) {
      count += page.length;
      oldest = Math.min(oldest, ...page.map((record) => Number(record.ts)));
    }
    expect(oldest).toBeGreaterThanOrEqual(END - 365 * 24 * HOUR_MS);
    expect(count).toBe(longAgo.records.filter((record) => Number(record.ts) >= END - 365 * 24 * HOUR_MS).length);
  });
});
