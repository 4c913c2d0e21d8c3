import { describe, expect, it } from "vitest";
import { buildDigest, digestWindows } from "../../src/domain/digest.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { Decimal } from "../../src/domain/money.js";
import { localDate } from "../../src/domain/time.js";
import { renderDigest, sparkline } from "../../src/bot/views/digest.js";

const HOUR = 3600_000;
const ZONE = "Europe/Berlin";

function record(ccy: string, ts: number, interest: string, liab = "1000", interestRate = "0.00001"): InterestRecord {
  return { type: "2", ccy, instId: "", mgnMode: "cross", interest, interestRate, liab, totalLiab: "", interestFreeLiab: "", ts: String(ts) };
}

/** Hourly records of `interest` each from `from` (inclusive) to `to` (exclusive). */
function hourly(ccy: string, from: number, to: number, interest: string, liab?: string, rate?: string): InterestRecord[] {
  const records: InterestRecord[] = [];
  for (let ts = from; ts < to; ts += HOUR) records.push(record(ccy, ts, interest, liab, rate));
  return records;
}

describe("the digest", () => {
  // Due 09:00 CEST on Mon 30 Mar 2026: it reports Sun 29 Mar, the 23-hour day of the spring change.
  const dueAt = Date.parse("2026-03-30T07:00:00Z");
  const windows = digestWindows(localDate(dueAt, ZONE), ZONE);

  it("reports the local day before it is due, with seven local days and the month", () => {
    expect(windows.day).toEqual({ year: 2026, month: 3, day: 29 });
    expect(windows.days).toHaveLength(7);
    const last = windows.days[6]!;
    expect(new Date(last.from).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect((last.to - last.from) / HOUR).toBe(23);
    expect(new Date(windows.days[0]!.from).toISOString()).toBe("2026-03-22T23:00:00.000Z");
    expect(new Date(windows.month.from).toISOString()).toBe("2026-02-28T23:00:00.000Z");
    expect(new Date(windows.month.to).toISOString()).toBe("2026-03-31T22:00:00.000Z");
    expect(windows.from).toBe(windows.month.from);
  });

  it("sums each local day exactly: 23 hourly accruals on the short day, 24 on the day before", () => {
    const records = hourly("USDT", windows.month.from, dueAt, "0.1");
    const digest = buildDigest(records, windows, dueAt, []);
    const usdt = digest.currencies[0]!;
    expect(usdt.day.toFixed()).toBe("2.3");
    expect(usdt.previous.toFixed()).toBe("2.4");
    expect(usdt.change!.toFixed()).toBe(new Decimal(-0.1).dividedBy(2.4).toFixed());
    expect(usdt.trend.map((total) => total.toFixed())).toEqual(["2.4", "2.4", "2.4", "2.4", "2.4", "2.4", "2.3"]);
    // 1 Mar to the end of 29 Mar: 28 days of 24 hours and one of 23.
    expect(usdt.monthSoFar.toFixed()).toBe(new Decimal("0.1").times(28 * 24 + 23).toFixed());
    // Then 48 more hours (30 and 31 Mar) at 1000 × 0.00001 an hour.
    expect(usdt.monthProjected.toFixed()).toBe(usdt.monthSoFar.plus(new Decimal("0.01").times(48)).toFixed());
    expect(usdt.hourlyRate!.toFixed()).toBe("0.00001");
    expect(usdt.yearlyRate!.toFixed()).toBe("0.0876");
    expect(usdt.liability.toFixed()).toBe("1000");
  });

  it("leaves out a currency with nothing in seven days, and shows a repaid one without debt or projection", () => {
    const day = windows.days[6]!;
    const records = [
      ...hourly("USDT", day.from, day.to, "0.1"),
      record("BTC", windows.days[2]!.from, "0.00000412", "0.5"),
      record("ETH", windows.days[0]!.from - 2 * 24 * HOUR, "0.5"),
    ];
    const digest = buildDigest(records, windows, dueAt, []);
    expect(digest.currencies.map((currency) => currency.ccy)).toEqual(["USDT", "BTC"]);
    const btc = digest.currencies[1]!;
    expect(btc.day.isZero()).toBe(true);
    expect(btc.change).toBeUndefined();
    expect(btc.liability.isZero()).toBe(true);
    expect(btc.monthProjected.toFixed()).toBe(btc.monthSoFar.toFixed());
  });

  it("projects nothing for a loan repaid during the day reported, while another is still borrowed", () => {
    const day = windows.days[6]!;
    const records = [
      ...hourly("USDT", windows.month.from, dueAt, "0.1"),
      ...hourly("BTC", windows.month.from, day.from + 6 * HOUR, "0.00001", "0.5"),
    ];
    const btc = buildDigest(records, windows, dueAt, []).currencies.find((currency) => currency.ccy === "BTC")!;
    expect(btc.day.toFixed()).toBe("0.00006");
    expect(btc.liability.isZero()).toBe(true);
    expect(btc.hourlyRate).toBeUndefined();
    expect(btc.monthProjected.toFixed()).toBe(btc.monthSoFar.toFixed());
  });

  it("keeps to the chosen currencies", () => {
    const day = windows.days[6]!;
    const records = [...hourly("USDT", day.from, day.to, "0.1"), ...hourly("BTC", day.from, day.to, "0.000001")];
    expect(buildDigest(records, windows, dueAt, ["BTC"]).currencies.map((currency) => currency.ccy)).toEqual(["BTC"]);
  });

  it("renders figures, change, trend and month in a message", () => {
    const records = hourly("USDT", windows.month.from, dueAt, "0.1");
    const digest = buildDigest(records, windows, dueAt, []);
    const t = (key: string, variables: Record<string, string | number> = {}) => `${key}${JSON.stringify(variables)}`;
    const text = renderDigest(t, [{ digest }], { locale: "en", zone: ZONE, now: dueAt, notes: [], lateFrom: dueAt });
    expect(text).toContain('digest-title{"day":"Sun 29 Mar"}');
    expect(text).toContain("2.3000");
    expect(text).toContain('digest-change{"change":"−4.2 %"}');
    expect(text).toContain("███████");
    expect(text).toContain('digest-late{"time":"30 Mar 09:00 UTC+2"}');
  });

  it("draws seven days at a glance", () => {
    expect(sparkline(["0", "1", "2", "3", "4", "5", "7"].map((value) => new Decimal(value)))).toBe("▁▂▃▄▅▆█");
    expect(sparkline(["0", "0"].map((value) => new Decimal(value)))).toBe("▁▁");
  });
});
