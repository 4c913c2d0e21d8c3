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
  nextLocalTime,
  wallClock,
  zonedTime,
} from "../../src/domain/time.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

/** The instants of `hour:minute` on each of the days from `first`, stepping with `nextLocalTime` as a schedule does. */
function schedule(first: string, hour: number, minute: number, zone: string, count: number): string[] {
  const times: string[] = [];
  let after = at(first);
  for (let index = 0; index < count; index++) {
    after = nextLocalTime(after, hour, minute, zone);
    times.push(iso(after));
  }
  return times;
}

describe("wall-clock times across daylight-saving changes", () => {
  it("Europe/Berlin: 09:00 on both sides of the spring and autumn changes", () => {
    expect(schedule("2026-03-27T12:00:00Z", 9, 0, "Europe/Berlin", 4)).toEqual([
      "2026-03-28T08:00:00.000Z", // CET, UTC+1
      "2026-03-29T07:00:00.000Z", // the day of the change: CEST, UTC+2
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
    ]);
    expect(schedule("2026-10-24T12:00:00Z", 9, 0, "Europe/Berlin", 3)).toEqual([
      "2026-10-25T08:00:00.000Z", // back to CET on the day of the change
      "2026-10-26T08:00:00.000Z",
      "2026-10-27T08:00:00.000Z",
    ]);
  });

  it("a chosen time in the skipped hour comes once, as far past the gap; in the repeated hour, once, the first time", () => {
    // 29 Mar 2026 in Berlin: 02:00 → 03:00. 02:30 does not exist; 03:30 CEST is 01:30 UTC.
    expect(schedule("2026-03-28T12:00:00Z", 2, 30, "Europe/Berlin", 3)).toEqual([
      "2026-03-29T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
      "2026-03-31T00:30:00.000Z",
    ]);
    // 25 Oct 2026: 03:00 → 02:00. 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET): only the first.
    expect(schedule("2026-10-24T12:00:00Z", 2, 30, "Europe/Berlin", 3)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
      "2026-10-27T01:30:00.000Z",
    ]);
    // Between the two 02:30s the next one is the next day's, not the repeat.
    expect(iso(nextLocalTime(at("2026-10-25T00:45:00Z"), 2, 30, "Europe/Berlin"))).toBe("2026-10-26T01:30:00.000Z");
  });

  it("America/New_York: 02:30 on the spring day is 03:30 EDT; 01:30 on the autumn day comes once (EDT)", () => {
    expect(schedule("2026-03-07T12:00:00Z", 2, 30, "America/New_York", 3)).toEqual([
      "2026-03-08T07:30:00.000Z",
      "2026-03-09T06:30:00.000Z",
      "2026-03-10T06:30:00.000Z",
    ]);
    expect(schedule("2026-10-31T12:00:00Z", 1, 30, "America/New_York", 3)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
      "2026-11-03T06:30:00.000Z",
    ]);
    expect(schedule("2026-10-31T12:00:00Z", 9, 0, "America/New_York", 2)).toEqual(["2026-10-31T13:00:00.000Z", "2026-11-01T14:00:00.000Z"]);
  });

  it("Australia/Sydney (southern hemisphere): changes in October and April", () => {
    // 4 Oct 2026: 02:00 AEST → 03:00 AEDT; 02:30 is skipped → 03:30 AEDT = 16:30 UTC the day before.
    expect(schedule("2026-10-03T12:00:00Z", 2, 30, "Australia/Sydney", 2)).toEqual(["2026-10-03T16:30:00.000Z", "2026-10-04T15:30:00.000Z"]);
    // 5 Apr 2026: 03:00 AEDT → 02:00 AEST; 02:30 twice, sent at the first.
    expect(schedule("2026-04-04T00:00:00Z", 2, 30, "Australia/Sydney", 2)).toEqual(["2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"]);
    expect(schedule("2026-10-02T12:00:00Z", 9, 0, "Australia/Sydney", 3)).toEqual([
      "2026-10-02T23:00:00.000Z",
      "2026-10-03T22:00:00.000Z",
      "2026-10-04T22:00:00.000Z",
    ]);
  });

  it("Asia/Shanghai (no changes): every day at the same UTC time", () => {
    expect(schedule("2026-03-28T00:00:00Z", 9, 0, "Asia/Shanghai", 3)).toEqual([
      "2026-03-28T01:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T01:00:00.000Z",
    ]);
  });

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
