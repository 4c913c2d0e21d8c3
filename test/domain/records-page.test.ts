import { describe, expect, it } from "vitest";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { cursorOf, lineKey, recordsPage, type RecordsPage } from "../../src/domain/records-page.js";

const HOUR = 3600_000;
const identity = (record: InterestRecord) => `${record.ts}|${record.ccy}|${record.mgnMode}|${record.instId}`;

function record(ts: number, ccy: string, mgnMode: string, instId = ""): InterestRecord {
  return {
    type: "2",
    ccy,
    mgnMode,
    instId,
    interest: "0.1",
    interestRate: "0.00001",
    liab: "100",
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(ts),
  };
}

/** Pages older from the newest to the end, then back newer from the oldest page: every record met going each way. */
function walk(records: InterestRecord[], size: number): { older: string[]; newer: string[] } {
  const older: string[] = [];
  let page: RecordsPage = {};
  let oldestPage: InterestRecord[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const shown = recordsPage(records, page, size);
    if (shown.length === 0) break;
    oldestPage = shown;
    older.push(...shown.map(identity));
    page = { after: cursorOf(shown[shown.length - 1]!) };
  }
  const newer: string[] = [...oldestPage.map(identity)];
  page = { before: cursorOf(oldestPage[0]!) };
  for (let guard = 0; guard < 1000; guard++) {
    const shown = recordsPage(records, page, size);
    if (shown.length === 0) break;
    newer.unshift(...shown.map(identity));
    page = { before: cursorOf(shown[0]!) };
  }
  return { older, newer };
}

describe("records pages", () => {
  // Five lines an hour for 30 hours, pages that end inside hours.
  const lines = [
    ["USDT", "cross", ""],
    ["USDT", "isolated", "BTC-USDT"],
    ["USDT", "isolated", "ETH-USDT"],
    ["BTC", "cross", ""],
    ["BTC", "isolated", "BTC-USDT"],
  ] as const;
  const records = Array.from({ length: 30 }, (_, hour) =>
    lines.map(([ccy, mode, inst]) => record(Date.UTC(2026, 10, 1) + hour * HOUR, ccy, mode, inst)),
  ).flat();

  it.each([1, 3, 7, 10, 100])("show every record exactly once going older and again going newer, %i a page", (size) => {
    const { older, newer } = walk(records, size);
    const all = new Set(records.map(identity));
    expect(older).toHaveLength(records.length);
    expect(new Set(older)).toEqual(all);
    expect(newer).toEqual(older);
  });

  it("keep two lines whose keys collide on one page, so neither is skipped", () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let index = 0; pair === undefined; index++) {
      const instId = `C${index}-USDT`;
      const key = lineKey(record(0, "USDT", "isolated", instId));
      const other = seen.get(key);
      if (other !== undefined) pair = [other, instId];
      else seen.set(key, instId);
    }
    const colliding = Array.from({ length: 4 }, (_, hour) => [
      record(hour * HOUR, "USDT", "isolated", pair[0]),
      record(hour * HOUR, "USDT", "isolated", pair[1]),
    ]).flat();
    const { older, newer } = walk(colliding, 1);
    expect(new Set(older).size).toBe(8);
    expect(newer).toEqual(older);
  });

  it("read an hour-only cursor as before or after the whole hour", () => {
    const hour = Date.UTC(2026, 10, 1) + 10 * HOUR;
    expect(recordsPage(records, { after: { ts: hour } }, 100).every((item) => Number(item.ts) < hour)).toBe(true);
    expect(recordsPage(records, { before: { ts: hour } }, 100).every((item) => Number(item.ts) > hour)).toBe(true);
  });
});
