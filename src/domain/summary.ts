import type { InterestRecord } from "./interest-record.js";
import { Decimal, ExactSum, parseParts } from "./money.js";

export const HOURS_PER_YEAR = 24 * 365;
const PROJECTION_HOURS = 24 * 30;

/** Interest of one borrowing line: cross margin, or isolated margin on one instrument. */
export interface LineTotal {
  mgnMode: string;
  instId: string;
  total: Decimal;
}

export interface CurrencySummary {
  ccy: string;
  /** Interest accrued over the period. */
  total: Decimal;
  /** Hours with an accrual. */
  hours: number;
  /** Newest hour with an accrual, ms. */
  latestTs: number;
  /** OKX's hourly rate at the newest hour, weighted by each line's liability. */
  currentRate: Decimal;
  /** Hourly rate over the period, weighted by liability: interest ÷ liability, summed over every hour. */
  averageRate: Decimal;
  currentLiability: Decimal;
  peakLiability: Decimal;
  /** Interest-free liability of the account at the newest record that gives one. */
  interestFreeLiability: Decimal | undefined;
  /** What the next 30 days cost at the current rate and liability. */
  projected30d: Decimal;
  lines: LineTotal[];
}

export interface Summary {
  from: number;
  to: number;
  currencies: CurrencySummary[];
  records: number;
}

export const yearlyRate = (hourly: Decimal): Decimal => hourly.times(HOURS_PER_YEAR);

interface CurrencyState {
  ccy: string;
  total: ExactSum;
  liability: ExactSum;
  /** The hour being summed (records come in time order) and the highest hour so far. */
  hourTs: number;
  hour: ExactSum;
  peak: ExactSum;
  hours: number;
  /** Margin mode → instrument → interest. */
  lines: Map<string, Map<string, ExactSum>>;
  newest: InterestRecord[];
  all: InterestRecord[];
  interestFree?: { ts: number; value: string };
}

/** Keeps the higher of two hourly liabilities: ordered by approximation, decided exactly where close. */
function higher(a: ExactSum, b: ExactSum): ExactSum {
  const difference = b.approximate() - a.approximate();
  if (Math.abs(difference) > Math.abs(a.approximate()) * 1e-12) return difference > 0 ? b : a;
  return b.toFixed18() > a.toFixed18() ? b : a;
}

const byTime = (a: InterestRecord, b: InterestRecord) => Number(a.ts) - Number(b.ts);

function isInTimeOrder(records: readonly InterestRecord[]): boolean {
  for (let index = 1; index < records.length; index++) if (Number(records[index]!.ts) < Number(records[index - 1]!.ts)) return false;
  return true;
}

/**
 * Sums accruals in `[from, to]` per currency, exactly, in one pass: a year of three currencies is ~26,000
 * records, summed on every question. Records may come in any order (the cache gives them in time order).
 */
export function summarize(input: readonly InterestRecord[], from: number, to: number): Summary {
  const records = isInTimeOrder(input) ? input : [...input].sort(byTime);
  const states = new Map<string, CurrencyState>();
  let count = 0;
  for (const record of records) {
    const ts = Number(record.ts);
    if (ts < from || ts > to) continue;
    count++;
    let state = states.get(record.ccy);
    if (state === undefined) {
      state = {
        ccy: record.ccy,
        total: new ExactSum(),
        liability: new ExactSum(),
        hourTs: ts,
        hour: new ExactSum(),
        peak: new ExactSum(),
        hours: 1,
        lines: new Map(),
        newest: [],
        all: [],
      };
      states.set(record.ccy, state);
    }
    if (ts !== state.hourTs) {
      state.peak = higher(state.peak, state.hour);
      state.hour = new ExactSum();
      state.hourTs = ts;
      state.hours++;
      state.newest = [];
    }
    state.newest.push(record);
    state.all.push(record);

    const interest = parseParts(record.interest);
    state.total.addParts(interest);
    let instruments = state.lines.get(record.mgnMode);
    if (instruments === undefined) state.lines.set(record.mgnMode, (instruments = new Map<string, ExactSum>()));
    let line = instruments.get(record.instId);
    if (line === undefined) instruments.set(record.instId, (line = new ExactSum()));
    line.addParts(interest);

    const liability = parseParts(record.liab);
    state.liability.addParts(liability);
    state.hour.addParts(liability);
    if (record.interestFreeLiab !== "" && (state.interestFree === undefined || ts >= state.interestFree.ts)) {
      state.interestFree = { ts, value: record.interestFreeLiab };
    }
  }
  const currencies = [...states.values()].map(finish);
  currencies.sort((a, b) => b.total.comparedTo(a.total) || a.ccy.localeCompare(b.ccy));
  return { from, to, currencies, records: count };
}

function finish(state: CurrencyState): CurrencySummary {
  const currentLiability = state.newest.reduce((sum, record) => sum.plus(record.liab || 0), new Decimal(0));
  const currentRate = weightedRate(state.newest);
  const total = state.total.toDecimal();
  const liability = state.liability.toDecimal();
  const lines: LineTotal[] = [];
  for (const [mgnMode, instruments] of state.lines) {
    for (const [instId, sum] of instruments) lines.push({ mgnMode, instId, total: sum.toDecimal() });
  }
  return {
    ccy: state.ccy,
    total,
    hours: state.hours,
    latestTs: Number(state.newest[0]?.ts ?? Number.NaN),
    currentRate,
    // Interest is liability × rate, so this is the liability-weighted rate without a product per record.
    averageRate: liability.isZero() ? weightedRate(state.all) : total.dividedBy(liability),
    currentLiability,
    peakLiability: higher(state.peak, state.hour).toDecimal(),
    interestFreeLiability: state.interestFree === undefined ? undefined : new Decimal(state.interestFree.value),
    projected30d: currentLiability.times(currentRate).times(PROJECTION_HOURS),
    lines: lines.sort((a, b) => b.total.comparedTo(a.total)),
  };
}

/** Rates weighted by liability; a plain mean where no record gives a liability. */
function weightedRate(records: readonly InterestRecord[]): Decimal {
  let liability = new Decimal(0);
  let weighted = new Decimal(0);
  let plain = new Decimal(0);
  for (const record of records) {
    const rate = new Decimal(record.interestRate || 0);
    liability = liability.plus(record.liab || 0);
    weighted = weighted.plus(rate.times(record.liab || 0));
    plain = plain.plus(rate);
  }
  if (!liability.isZero()) return weighted.dividedBy(liability);
  return records.length === 0 ? new Decimal(0) : plain.dividedBy(records.length);
}
