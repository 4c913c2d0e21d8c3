import { localDate, zonedTime } from "./time.js";

const HOUR_MS = 3600_000;
/** Periods that end now, by their length. */
export const PERIODS = {
  "24h": 24 * HOUR_MS,
  "7d": 7 * 24 * HOUR_MS,
  "30d": 30 * 24 * HOUR_MS,
  "90d": 90 * 24 * HOUR_MS,
  "1y": 365 * 24 * HOUR_MS,
} as const;
export type RollingPeriod = keyof typeof PERIODS;
export const PERIOD_NAMES = Object.keys(PERIODS) as RollingPeriod[];

/** A calendar month (`2026-11`) or year (`2026`) on the person's clock, or the month it is now or was before. */
export type CalendarPeriod = "this-month" | "last-month" | `${number}-${string}` | `${number}`;
export type Period = RollingPeriod | CalendarPeriod;

export const isRolling = (period: Period): period is RollingPeriod => period in PERIODS;

/** Years a calendar period may name: two digits of them fit a button's callback data. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;
const RELATIVE: Record<string, CalendarPeriod> = {
  thismonth: "this-month",
  "this-month": "this-month",
  this_month: "this-month",
  本月: "this-month",
  lastmonth: "last-month",
  "last-month": "last-month",
  last_month: "last-month",
  上月: "last-month",
};

/** `this month` and `last month` typed as two words, read as one. */
export const joinMonthWords = (text: string) => text.replace(/\b(this|last)\s+month\b/gi, "$1-month");

/**
 * A typed period: `30d`, `2026-11` (or `2026-1`), `2026`, `this-month`, `本月`; `malformed` for what is
 * meant as one but is none (`5d`, `2026-13`, `1999`); undefined for a word that is no period at all.
 */
export function parsePeriod(word: string): Period | "malformed" | undefined {
  const lower = word.toLowerCase();
  if (lower in PERIODS) return lower as RollingPeriod;
  if (lower in RELATIVE) return RELATIVE[lower];
  if (/^\d+(h|d|w|m|y)$/.test(lower)) return "malformed";
  const calendar = /^(\d{4})(?:-(\d{1,2}))?$/.exec(lower);
  if (calendar === null) return /^\d{4}-/.test(lower) ? "malformed" : undefined;
  const year = Number(calendar[1]);
  const month = calendar[2] === undefined ? undefined : Number(calendar[2]);
  if (year < FIRST_YEAR || year > LAST_YEAR || (month !== undefined && (month < 1 || month > 12))) return "malformed";
  return month === undefined ? `${year}` : `${year}-${String(month).padStart(2, "0")}`;
}

/**
 * A period in at most three characters, for callback data: rolling periods as they are, `tm`/`lm`, a year
 * as `y26`, a month as `m` and two base-36 digits of months since January 2000 (`m8y` is November 2026).
 */
export function periodCode(period: Period): string {
  if (isRolling(period)) return period;
  if (period === "this-month") return "tm";
  if (period === "last-month") return "lm";
  const [year, month] = period.split("-").map(Number) as [number, number | undefined];
  if (month === undefined) return `y${String(year - FIRST_YEAR).padStart(2, "0")}`;
  return `m${((year - FIRST_YEAR) * 12 + month - 1).toString(36).padStart(2, "0")}`;
}

/** Reads `periodCode` back; undefined for anything it does not make. */
export function periodOfCode(code: string): Period | undefined {
  if (code in PERIODS) return code as RollingPeriod;
  if (code === "tm") return "this-month";
  if (code === "lm") return "last-month";
  if (/^y\d\d$/.test(code)) return `${FIRST_YEAR + Number(code.slice(1))}`;
  if (!/^m[0-9a-z]{2}$/.test(code)) return undefined;
  const months = Number.parseInt(code.slice(1), 36);
  const year = FIRST_YEAR + Math.floor(months / 12);
  return year > LAST_YEAR ? undefined : `${year}-${String((months % 12) + 1).padStart(2, "0")}`;
}

/** A calendar month or year on a clock: its first month and how many months it spans. */
export interface CalendarSpan {
  year: number;
  month: number;
  months: 1 | 12;
}

/** The months a calendar period spans, `this-month` and `last-month` read on the zone's clock at `now`. */
export function calendarSpan(period: CalendarPeriod, now: number, zone: string): CalendarSpan {
  if (period === "this-month" || period === "last-month") {
    const today = localDate(now, zone);
    const back = period === "last-month" ? 1 : 0;
    const index = today.year * 12 + today.month - 1 - back;
    return { year: Math.floor(index / 12), month: (index % 12) + 1, months: 1 };
  }
  const [year, month] = period.split("-").map(Number) as [number, number | undefined];
  return month === undefined ? { year, month: 1, months: 12 } : { year, month, months: 1 };
}

/**
 * What a period covers, ms, both ends included: `from` its first moment, `end` its last (a calendar period
 * from and to midnight on the zone's clock, whatever its offsets in between), `to` the last moment that has
 * come (`end`, or `now` while the period runs).
 */
export function periodRange(period: Period, now: number, zone: string): { from: number; to: number; end: number } {
  if (isRolling(period)) return { from: now - PERIODS[period], to: now, end: now };
  const { year, month, months } = calendarSpan(period, now, zone);
  const from = zonedTime({ year, month, day: 1 }, 0, 0, zone);
  const next = year * 12 + month - 1 + months;
  const end = zonedTime({ year: Math.floor(next / 12), month: (next % 12) + 1, day: 1 }, 0, 0, zone) - 1;
  return { from, to: Math.min(end, now), end };
}
