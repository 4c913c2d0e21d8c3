import { describe, expect, it } from "vitest";
import {
  addDays,
  canonicalZone,
  formatDate,
  formatDateTime,
  formatRange,
  guessTimeZone,
  localDate,
  localDay,
  wallClock,
  zonedTime,
} from "../../src/domain/time.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

describe("wall-clock times across daylight-saving changes", () => {
  it("never steps with a stale offset: 24 hours after 09:00 on the day before a change is not 09:00", () => {
    const before = zonedTime({ year: 2026, month: 3, day: 28 }, 9, 0, "Europe/Berlin");
    const after = zonedTime({ year: 2026, month: 3, day: 29 }, 9, 0, "Europe/Berlin");
    expect(after - before).toBe(23 * HOUR);
    expect(wallClock(after, "Europe/Berlin")).toMatchObject({ hour: 9, minute: 0 });
  });
});

describe("local days", () => {
  it("are 23 or 25 hours on the days of a change, 24 otherwise", () => {
    const length = (zone: string, year: number, month: number, day: number) => {
      const { from, to } = localDay({ year, month, day }, zone);
      return (to - from) / HOUR;
    };
    expect(length("Europe/Berlin", 2026, 3, 29)).toBe(23);
    expect(length("Europe/Berlin", 2026, 10, 25)).toBe(25);
    expect(length("Europe/Berlin", 2026, 10, 26)).toBe(24);
    expect(length("America/New_York", 2026, 3, 8)).toBe(23);
    expect(length("America/New_York", 2026, 11, 1)).toBe(25);
    expect(length("Australia/Sydney", 2026, 10, 4)).toBe(23);
    expect(length("Australia/Sydney", 2026, 4, 5)).toBe(25);
    expect(length("Asia/Shanghai", 2026, 3, 29)).toBe(24);
    expect(length("Asia/Kolkata", 2026, 3, 29)).toBe(24);
  });

  it("start at local midnight; yesterday is the calendar day before, whatever its length", () => {
    const now = at("2026-03-30T07:00:00Z"); // 09:00 CEST, the day after the spring change
    const yesterday = addDays(localDate(now, "Europe/Berlin"), -1);
    expect(yesterday).toEqual({ year: 2026, month: 3, day: 29 });
    const { from, to } = localDay(yesterday, "Europe/Berlin");
    expect(iso(from)).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(to)).toBe("2026-03-29T22:00:00.000Z");
    expect(addDays({ year: 2026, month: 1, day: 1 }, -1)).toEqual({ year: 2025, month: 12, day: 31 });
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it("in a zone whose midnight is skipped, start at the first moment of the day", () => {
    // America/Santiago moved from UTC-4 to UTC-3 at 00:00 on 6 Sep 2026: the day begins at 01:00.
    const { from } = localDay({ year: 2026, month: 9, day: 6 }, "America/Santiago");
    expect(wallClock(from, "America/Santiago")).toMatchObject({ day: 6, hour: 1, minute: 0 });
  });
});

describe("zones", () => {
  it("accepts IANA names in any case and refuses others", () => {
    expect(canonicalZone("europe/paris")).toBe("Europe/Paris");
    expect(canonicalZone("Asia/Shanghai")).toBe("Asia/Shanghai");
    expect(canonicalZone("Mars/Olympus")).toBeUndefined();
    expect(canonicalZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(canonicalZone("america/argentina/buenos_aires")).toBe("America/Argentina/Buenos_Aires");
  });

  it("guesses a zone from the Telegram language", () => {
    expect(guessTimeZone("zh-hans")).toBe("Asia/Shanghai");
    expect(guessTimeZone("de")).toBe("Europe/Berlin");
    expect(guessTimeZone("en-US")).toBe("America/New_York");
    expect(guessTimeZone("pt-br")).toBe("America/Sao_Paulo");
    expect(guessTimeZone("en")).toBe("UTC");
    expect(guessTimeZone(undefined)).toBe("UTC");
  });
});

describe("times as a person reads them", () => {
  const newYearInShanghai = at("2025-12-31T20:05:00Z");
  it("on their zone's clock, with month names in English and numbers in Chinese", () => {
    expect(formatDateTime(newYearInShanghai, { zone: "Asia/Shanghai", locale: "en" })).toBe("1 Jan 04:05");
    expect(formatDateTime(newYearInShanghai, { zone: "Asia/Shanghai", locale: "zh" })).toBe("1月1日 04:05");
    expect(formatDateTime(newYearInShanghai, { zone: "America/New_York", locale: "zh" })).toBe("12月31日 15:05");
    expect(formatDate(newYearInShanghai, { zone: "Asia/Shanghai", locale: "en" })).toBe("1 Jan 2026");
    expect(formatDate(newYearInShanghai, { zone: "Asia/Shanghai", locale: "zh" })).toBe("2026年1月1日");
    expect(formatDate(newYearInShanghai, { zone: "Europe/Berlin", locale: "zh" })).toBe("2025年12月31日");
  });

  it("print a stretch with its times, or with its years when its ends fall in different years on their clock", () => {
    const yearEnd = at("2026-12-01T17:54:00Z");
    const english = { zone: "UTC", locale: "en" };
    expect(formatRange(yearEnd - 365 * 24 * HOUR, yearEnd, english)).toEqual({ from: "1 Dec 2025", to: "1 Dec 2026" });
    expect(formatRange(yearEnd - 7 * 24 * HOUR, yearEnd, english)).toEqual({ from: "24 Nov 17:54", to: "1 Dec 17:54" });
    expect(formatRange(yearEnd - 365 * 24 * HOUR, yearEnd, { zone: "Asia/Shanghai", locale: "zh" })).toEqual({
      from: "2025年12月2日",
      to: "2026年12月2日",
    });
    // Across New Year in Shanghai but not yet in New York.
    expect(formatRange(newYearInShanghai - 5 * HOUR, newYearInShanghai, { zone: "Asia/Shanghai", locale: "en" })).toEqual({
      from: "31 Dec 2025",
      to: "1 Jan 2026",
    });
    expect(formatRange(newYearInShanghai - 5 * HOUR, newYearInShanghai, { zone: "America/New_York", locale: "en" })).toEqual({
      from: "31 Dec 10:05",
      to: "31 Dec 15:05",
    });
  });
});
