import { afterEach, describe, expect, it } from "vitest";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { BEFORE_READINGS, fakeAccount, HOUR_MS, type BeforeReading } from "../support/fake-okx/index.js";
import { rawGet, startOkxHarness, type OkxHarness } from "../support/okx-harness.js";
import { testRedis } from "../support/redis.js";

const END = Date.UTC(2026, 10, 1, 12);
/** `hoursAgo` hours before END. */
const at = (hoursAgo: number) => END - hoursAgo * HOUR_MS;

function accrual(ccy: string, hoursAgo: number): InterestRecord {
  return {
    type: "2",
    ccy,
    instId: "",
    mgnMode: "cross",
    interest: "0.0001",
    interestRate: "0.000004",
    liab: "25",
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(at(hoursAgo)),
  };
}

// BTC and USDT every hour from END down to 9 h before it, newest first: the ccy filter halves what qualifies,
// so a page chosen before filtering would come out short or wrong.
const HOURS = Array.from({ length: 10 }, (_, hoursAgo) => hoursAgo);
const trader = fakeAccount({ name: "paging", records: HOURS.flatMap((hoursAgo) => [accrual("USDT", hoursAgo), accrual("BTC", hoursAgo)]) });

/** Hours ago of the records each reading sends, limit 3, BTC only. */
const EXPECTED: Record<BeforeReading, { beforeAlone: number[]; between: number[] }> = {
  // before 8 h ago: 0..7 qualify; after 1 h ago and before 9 h ago: 2..8 qualify.
  "newest-first": { beforeAlone: [0, 1, 2], between: [2, 3, 4] },
  "nearest-oldest-first": { beforeAlone: [7, 6, 5], between: [8, 7, 6] },
  "nearest-newest-first": { beforeAlone: [5, 6, 7], between: [6, 7, 8] },
};

let harness: OkxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(beforeReading?: BeforeReading): Promise<OkxHarness> {
  const { redis, prefix } = testRedis();
  harness = await startOkxHarness({ redis, prefix, accounts: [trader], windowMs: 50, beforeReading });
  return harness;
}

/** Hours ago of the records a BTC query with limit 3 returns; fails on anything but a success. */
async function hoursAgoOf(h: OkxHarness, cursors: string): Promise<number[]> {
  const answer = await rawGet(h, trader, `${INTEREST_ACCRUED_PATH}?ccy=BTC&${cursors}&limit=3`);
  expect([answer.status, answer.body.code]).toEqual([200, "0"]);
  const records = answer.body.data as InterestRecord[];
  expect(records.every((record) => record.ccy === "BTC")).toBe(true);
  return records.map((record) => (END - Number(record.ts)) / HOUR_MS);
}

describe.each(BEFORE_READINGS)("the fake OKX paging under the %s reading of before", (reading) => {
  it("before alone, more than limit newer: the page this reading picks", async () => {
    const h = await start(reading);
    expect(await hoursAgoOf(h, `before=${at(8)}`)).toEqual(EXPECTED[reading].beforeAlone);
  });

  it("after and before, more than limit between: the page this reading picks, both bounds exclusive", async () => {
    const h = await start(reading);
    expect(await hoursAgoOf(h, `after=${at(1)}&before=${at(9)}`)).toEqual(EXPECTED[reading].between);
  });

  it("after alone: the newest older than after, newest first, whatever the reading", async () => {
    const h = await start(reading);
    expect(await hoursAgoOf(h, `after=${at(3)}`)).toEqual([4, 5, 6]);
  });

  it("can be switched to at run time", async () => {
    const other = BEFORE_READINGS.find((candidate) => candidate !== reading)!;
    const h = await start(other);
    h.fake.setBeforeReading(reading);
    expect(await hoursAgoOf(h, `before=${at(8)}`)).toEqual(EXPECTED[reading].beforeAlone);
  });
});

it("reads before as newest-first unless told otherwise", async () => {
  const h = await start();
  expect(await hoursAgoOf(h, `before=${at(8)}`)).toEqual(EXPECTED["newest-first"].beforeAlone);
});
