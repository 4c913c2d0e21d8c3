import { Decimal } from "decimal.js";
import type { InterestRecord } from "./interest-record.js";
import { fromFixed, parseFixed } from "./money.js";

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

/** Sums accruals in `[from, to]` per currency, exactly, as decimals. Records may come in any order. */
export function summarize(records: Iterable<InterestRecord>, from: number, to: number): Summary {
  const byCurrency = new Map<string, InterestRecord[]>();
  let count = 0;
  for (const record of records) {
    const ts = Number(record.ts);
    if (ts < from || ts > to) continue;
    count++;
    const list = byCurrency.get(record.ccy);
    if (list === undefined) byCurrency.set(record.ccy, [record]);
    else list.push(record);
  }
  const currencies = [...byCurrency.entries()].map(([ccy, list]) => summarizeCurrency(ccy, list));
  currencies.sort((a, b) => b.total.comparedTo(a.total) || a.ccy.localeCompare(b.ccy));
  return { from, to, currencies, records: count };
}

function summarizeCurrency(ccy: string, records: InterestRecord[]): CurrencySummary {
  let total = 0n;
  let liabilitySum = 0n;
  const liabilityByHour = new Map<number, bigint>();
  const lines = new Map<string, { mgnMode: string; instId: string; total: bigint }>();
  let latestTs = -Infinity;
  let interestFree: { ts: number; value: string } | undefined;

  for (const record of records) {
    const ts = Number(record.ts);
    const interest = parseFixed(record.interest);
    const liability = parseFixed(record.liab);
    total += interest;
    liabilitySum += liability;
    liabilityByHour.set(ts, (liabilityByHour.get(ts) ?? 0n) + liability);
    const lineKey = `${record.mgnMode}|${record.instId}`;
    const line = lines.get(lineKey);
    if (line === undefined) lines.set(lineKey, { mgnMode: record.mgnMode, instId: record.instId, total: interest });
    else line.total += interest;
    if (ts > latestTs) latestTs = ts;
    if (record.interestFreeLiab !== "" && (interestFree === undefined || ts > interestFree.ts)) {
      interestFree = { ts, value: record.interestFreeLiab };
    }
  }

  const newest = records.filter((record) => Number(record.ts) === latestTs);
  const currentLiability = newest.reduce((sum, record) => sum.plus(record.liab || 0), new Decimal(0));
  const currentRate = weightedRate(newest);
  let peakLiability = 0n;
  for (const liability of liabilityByHour.values()) if (liability > peakLiability) peakLiability = liability;

  return {
    ccy,
    total: fromFixed(total),
    hours: liabilityByHour.size,
    latestTs,
    currentRate,
    // Interest is liability × rate, so this is the liability-weighted rate without a product per record.
    averageRate: liabilitySum === 0n ? weightedRate(records) : fromFixed(total).dividedBy(fromFixed(liabilitySum)),
    currentLiability,
    peakLiability: fromFixed(peakLiability),
    interestFreeLiability: interestFree === undefined ? undefined : new Decimal(interestFree.value),
    projected30d: currentLiability.times(currentRate).times(PROJECTION_HOURS),
    lines: [...lines.values()]
      .map((line) => ({ ...line, total: fromFixed(line.total) }))
      .sort((a, b) => b.total.comparedTo(a.total)),
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
