import { describe, expect, it } from "vitest";
import { calendarSpan, parsePeriod, periodCode, periodOfCode, periodRange, type Period } from "../../src/domain/period.js";

describe("periods", () => {
  it("read months, years and this or last month as typed, and name what is meant as one but is none", () => {
    expect(["30d", "2026-11", "2026-1", "2026", "thismonth", "This-Month", "this_month", "本月", "lastmonth", "上月"].map(parsePeriod)).toEqual([
      "30d",
      "2026-11",
      "2026-01",
      "2026",
      "this-month",
      "this-month",
      "this-month",
      "this-month",
      "last-month",
      "last-month",
    ]);
    for (const typed of ["5d", "2026-13", "2026-0", "2026-011", "2026-1x", "1999", "2100", "2100-01"]) expect(parsePeriod(typed)).toBe("malformed");
    for (const typed of ["USDT", "BTC-USDT", "1INCH", "202"]) expect(parsePeriod(typed)).toBeUndefined();
  });

  it("fit every month and year from 2000 to 2099 in three characters of callback data, and read them back", () => {
    const periods: Period[] = ["24h", "7d", "30d", "90d", "1y", "this-month", "last-month"];
    for (let year = 2000; year <= 2099; year++) {
      periods.push(`${year}`);
      for (let month = 1; month <= 12; month++) periods.push(`${year}-${String(month).padStart(2, "0")}`);
    }
    const codes = periods.map(periodCode);
    expect(new Set(codes).size).toBe(periods.length);
    for (const [index, code] of codes.entries()) {
      expect(code.length).toBeLessThanOrEqual(3);
      expect(periodOfCode(code)).toBe(periods[index]);
    }
    expect(periodCode("2026-11")).toBe("m8y");
    for (const code of ["", "m", "m8", "mzz", "y2", "y026", "x", "5d", "tmm"]) expect(periodOfCode(code)).toBeUndefined();
  });

  it("span calendar months and years from midnight to midnight on the zone's clock", () => {
    const now = Date.UTC(2026, 11, 2, 6);
    expect(periodRange("2026-11", now, "Asia/Shanghai")).toEqual({
      from: Date.UTC(2026, 9, 31, 16),
      to: Date.UTC(2026, 10, 30, 16) - 1,
      end: Date.UTC(2026, 10, 30, 16) - 1,
    });
    // A month running now ends now; a month across a change of offset keeps its local midnights.
    expect(periodRange("this-month", now, "UTC")).toEqual({ from: Date.UTC(2026, 11, 1), to: now, end: Date.UTC(2027, 0, 1) - 1 });
    expect(periodRange("2026-03", now, "Europe/Berlin")).toMatchObject({ from: Date.UTC(2026, 1, 28, 23), end: Date.UTC(2026, 2, 31, 22) - 1 });
    expect(periodRange("2025", now, "America/New_York")).toEqual({
      from: Date.UTC(2025, 0, 1, 5),
      to: Date.UTC(2026, 0, 1, 5) - 1,
      end: Date.UTC(2026, 0, 1, 5) - 1,
    });
    expect(periodRange("7d", now, "UTC")).toEqual({ from: now - 7 * 24 * 3600_000, to: now, end: now });
    // Last month in January is December; at 23:30 UTC on 31 Jan it is already February in Shanghai.
    expect(calendarSpan("last-month", Date.UTC(2026, 0, 15), "UTC")).toEqual({ year: 2025, month: 12, months: 1 });
    expect(calendarSpan("this-month", Date.UTC(2026, 0, 31, 23, 30), "Asia/Shanghai")).toEqual({ year: 2026, month: 2, months: 1 });
  });
});
