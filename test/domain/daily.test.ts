import { describe, expect, it } from "vitest";
import { blocksOf, record } from "../support/record.js";
import { dailyBlocks, dailyInterest } from "../../src/domain/daily.js";
import { matchesView, type InterestView } from "../../src/domain/view.js";
import { generateAccruals } from "../support/fake-okx/index.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";

const HOUR_MS = 3600_000;

/** One record of `interest` every hour in `[from, to)`. */
function hourly(from: number, to: number, overrides: Partial<InterestRecord>): InterestRecord[] {
  const records: InterestRecord[] = [];
  for (let ts = from; ts < to; ts += HOUR_MS) records.push(record({ ...overrides, ts: String(ts) }));
  return records;
}

describe("daily interest", () => {
  it("cuts days at local midnight: the spring DST day in Berlin has 23 hours, the autumn one 25", () => {
    // 28 Mar 2026 00:00 in Berlin is 27 Mar 23:00 UTC; clocks jump forward on 29 Mar, back on 25 Oct.
    const springFrom = Date.UTC(2026, 2, 27, 23);
    const springTo = Date.UTC(2026, 2, 30, 22) - 1;
    const spring = dailyInterest(hourly(springFrom, springTo + 1, { interest: "1" }), springFrom, springTo, "Europe/Berlin");
    const springDays = spring.currencies[0]!.days;
    expect(springDays.map((day) => [day.date, day.total.toFixed()])).toEqual([
      ["2026-03-28", "24"],
      ["2026-03-29", "23"],
      ["2026-03-30", "24"],
    ]);
    expect(springDays[1]!.start).toBe(Date.UTC(2026, 2, 28, 23));
    expect(springDays[2]!.start - springDays[1]!.start).toBe(23 * HOUR_MS);

    const autumnFrom = Date.UTC(2026, 9, 23, 22);
    const autumnTo = Date.UTC(2026, 9, 26, 23) - 1;
    const autumn = dailyInterest(hourly(autumnFrom, autumnTo + 1, { interest: "1" }), autumnFrom, autumnTo, "Europe/Berlin");
    expect(autumn.currencies[0]!.days.map((day) => [day.date, day.total.toFixed()])).toEqual([
      ["2026-10-24", "24"],
      ["2026-10-25", "25"],
      ["2026-10-26", "24"],
    ]);
  });

  it("puts the same hour on different days in different zones", () => {
    const ts = Date.UTC(2026, 5, 1, 20);
    const records = [record({ ts: String(ts), interest: "0.5" })];
    const inUtc = dailyInterest(records, ts, ts, "UTC");
    const inTokyo = dailyInterest(records, ts, ts, "Asia/Tokyo");
    expect(inUtc.currencies[0]!.days.map((day) => day.date)).toEqual(["2026-06-01"]);
    expect(inTokyo.currencies[0]!.days.map((day) => day.date)).toEqual(["2026-06-02"]);
  });

  it("sums exactly per line, keeps days without interest, and weights the rate by liability", () => {
    const day1 = Date.UTC(2026, 0, 1, 5);
    const day3 = Date.UTC(2026, 0, 3, 5);
    const records = [
      // Out of time order and with records outside the period, as a caller may pass them.
      record({ ts: String(day3), interest: "0.2", liab: "1000", interestRate: "0.0002" }),
      record({ ts: String(day1), interest: "0.1", liab: "1000", interestRate: "0.0001" }),
      record({ ts: String(day1), interest: "0.2", liab: "1000", interestRate: "0.0002" }),
      record({
        ts: String(day1),
        mgnMode: "isolated",
        instId: "BTC-USDT",
        interest: "0.0000000000000001",
        liab: "10",
        interestRate: "0.00000000000001",
      }),
      record({ ts: String(day1 - 7 * 24 * HOUR_MS), interest: "99" }),
      record({ ccy: "BTC", ts: String(day1), interest: "0.00000001", liab: "1", interestRate: "0.00000001" }),
    ];
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2026, 0, 4) - 1;
    const { currencies } = dailyInterest(records, from, to, "UTC");
    expect(currencies.map((currency) => currency.ccy)).toEqual(["USDT", "BTC"]);
    const usdt = currencies[0]!;
    expect(usdt.total.toFixed()).toBe("0.5000000000000001");
    expect(usdt.lines).toEqual([
      { mgnMode: "cross", instId: "" },
      { mgnMode: "isolated", instId: "BTC-USDT" },
    ]);
    expect(usdt.days.map((day) => day.date)).toEqual(["2026-01-01", "2026-01-02", "2026-01-03"]);
    expect(usdt.days[0]!.byLine.map((amount) => amount.toFixed())).toEqual(["0.3", "0.0000000000000001"]);
    expect(usdt.days[0]!.total.toFixed()).toBe("0.3000000000000001");
    expect(usdt.days[1]!.total.toFixed()).toBe("0");
    expect(usdt.days[1]!.rate).toBeUndefined();
    expect(usdt.days[2]!.rate!.toFixed()).toBe("0.0002");
    // (0.1 + 0.2 + 1e-16) ÷ 2010.
    expect(usdt.days[0]!.rate!.toSignificantDigits(10).toFixed()).toBe("0.0001492537313");
    expect(currencies[1]!.days[0]!.total.toFixed()).toBe("0.00000001");
  });

  it("gives no currency for a period without records", () => {
    expect(dailyInterest([], 0, 5 * 24 * HOUR_MS, "UTC").currencies).toEqual([]);
  });
});

describe("daily interest from the cache's blocks", () => {
  it("equals the sums from records for every view, zone and odd decimal string, and leaves out what is not held", () => {
    const to = Date.UTC(2026, 10, 20, 12);
    const records = generateAccruals({ hours: 24 * 75, endTs: to });
    records[3] = { ...records[3]!, interest: "0.00000001", liab: "007.50" };
    records[9] = { ...records[9]!, interest: "-0", liab: "" };
    const blocks = blocksOf(records);
    const from = to - 50 * 24 * HOUR_MS + 1800_000;
    const views: InterestView[] = [
      { period: "30d" },
      { period: "30d", ccy: "USDT" },
      { period: "30d", mgnMode: "isolated" },
      { period: "30d", ccy: "USDT", instId: "BTC-USDT" },
    ];
    for (const zone of ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"]) {
      for (const view of views) {
        const shown = (line: { ccy: string; mgnMode: string; instId: string }) => matchesView(view, line);
        const fromRecords = dailyInterest(records.filter(shown), from, to, zone);
        expect(
          dailyBlocks(
            blocks.filter((block) => shown(block.line)),
            from,
            to,
            zone,
          ),
        ).toEqual(fromRecords);
      }
    }
    const heldFrom = to - 10 * 24 * HOUR_MS;
    const held = records.filter((one) => Number(one.ts) >= heldFrom);
    expect(dailyBlocks(blocks, from, to, "Asia/Shanghai", heldFrom)).toEqual(dailyInterest(held, from, to, "Asia/Shanghai"));
  });
});
