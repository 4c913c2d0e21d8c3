import type { InterestRecord } from "./interest-record.js";
import { Decimal } from "./money.js";
import { summarize, yearlyRate, type Summary } from "./summary.js";
import { addDays, localDay, type LocalDate } from "./time.js";

/** What a user chose on `/digest`. */
export interface DigestSettings {
  on: boolean;
  /** Local time of the zone the user chose. */
  hour: number;
  minute: number;
  /** Only these currencies; every currency borrowed when empty. */
  currencies: string[];
  /** Only these of the person's accounts (OKX UIDs); every account when empty. */
  accounts: string[];
  /** Language of the digest, as the user's Telegram client gave it when they set it up. */
  locale: string;
}

export const DEFAULT_DIGEST: DigestSettings = { on: false, hour: 9, minute: 0, currencies: [], accounts: [], locale: "en" };
export const TREND_DAYS = 7;
const HOUR_MS = 3600_000;

export interface Window {
  from: number;
  /** Exclusive. */
  to: number;
}

/** The stretches of time one digest sums, all in the user's local days. */
export interface DigestWindows {
  /** The day reported: the local day before the digest is due. */
  day: LocalDate;
  /** The last `TREND_DAYS` local days, oldest first; the last is the day reported. */
  days: Window[];
  /** The month of the day reported, whole. */
  month: Window;
  /** The oldest record any of them needs. */
  from: number;
}

/** The windows of the digest due on a local date: it reports the day before. */
export function digestWindows(dueDate: LocalDate, zone: string): DigestWindows {
  const day = addDays(dueDate, -1);
  const days = Array.from({ length: TREND_DAYS }, (_, index) => localDay(addDays(day, index - TREND_DAYS + 1), zone));
  const monthStart = { year: day.year, month: day.month, day: 1 };
  const nextMonth = day.month === 12 ? { year: day.year + 1, month: 1, day: 1 } : { year: day.year, month: day.month + 1, day: 1 };
  const month = { from: localDay(monthStart, zone).from, to: localDay(nextMonth, zone).from };
  return { day, days, month, from: Math.min(days[0]!.from, month.from) };
}

export interface CurrencyDigest {
  ccy: string;
  /** Interest of the day reported and of the day before it. */
  day: Decimal;
  previous: Decimal;
  /** Change against the day before, as a fraction; undefined when nothing accrued the day before. */
  change: Decimal | undefined;
  /** OKX's hourly rate now (weighted by liability) and its yearly equivalent; none once the loan is repaid. */
  hourlyRate: Decimal | undefined;
  yearlyRate: Decimal | undefined;
  /** Liability now; zero once the loan is repaid. */
  liability: Decimal;
  /** Interest of each of the last `TREND_DAYS` days, oldest first. */
  trend: Decimal[];
  /** Interest of the month so far (to the end of the day reported), and the month at the current rate and liability. */
  monthSoFar: Decimal;
  monthProjected: Decimal;
}

export interface Digest {
  day: LocalDate;
  currencies: CurrencyDigest[];
}

/** One account's digest; `account` names it where the person has several. */
export interface AccountDigest {
  account?: string;
  digest: Digest;
}

const totals = (summary: Summary) => new Map(summary.currencies.map((currency) => [currency.ccy, currency.total]));
const ZERO = new Decimal(0);

/**
 * One digest from the account's records (any order) of `windows.from` to `now`: per currency, the day
 * reported against the day before, the current rate and liability, the daily trend and the month.
 */
export function buildDigest(records: readonly InterestRecord[], windows: DigestWindows, now: number, currencies: readonly string[]): Digest {
  const wanted = (ccy: string) => currencies.length === 0 || currencies.includes(ccy);
  const daily = windows.days.map((window) => totals(summarize(records, window.from, window.to - 1)));
  const reported = windows.days[windows.days.length - 1]!;
  const month = totals(summarize(records, windows.month.from, reported.to - 1));
  const latest = summarize(records, windows.from, now);
  const hoursLeft = Math.max(0, windows.month.to - reported.to) / HOUR_MS;

  const result: CurrencyDigest[] = [];
  for (const current of latest.currencies) {
    const { ccy } = current;
    const trend = daily.map((day) => day.get(ccy) ?? ZERO);
    if (!wanted(ccy) || trend.every((total) => total.isZero())) continue;
    const day = trend[trend.length - 1]!;
    const previous = trend[trend.length - 2]!;
    // "Now" as every answer reads it (current-hour.ts): a loan repaid, even during the day reported, projects nothing.
    const { currentRate: rate, currentLiability: liability } = current;
    const monthSoFar = month.get(ccy) ?? ZERO;
    result.push({
      ccy,
      day,
      previous,
      change: previous.isZero() ? undefined : day.minus(previous).dividedBy(previous),
      hourlyRate: rate,
      yearlyRate: rate === undefined ? undefined : yearlyRate(rate),
      liability,
      trend,
      monthSoFar,
      monthProjected: rate === undefined ? monthSoFar : monthSoFar.plus(liability.times(rate).times(hoursLeft)),
    });
  }
  result.sort((a, b) => b.day.comparedTo(a.day) || a.ccy.localeCompare(b.ccy));
  return { day: windows.day, currencies: result };
}
