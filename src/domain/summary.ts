import { currentHour } from "./current-hour.js";
import type { InterestRecord } from "./interest-record.js";
import { Decimal, ExactSum, parseParts, type DecimalParts } from "./money.js";
import { partsAt, type RecordBlock } from "./record-block.js";

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
  /** OKX's hourly rate now (`current-hour.ts`), weighted by each line's liability; none once nothing is borrowed. */
  currentRate: Decimal | undefined;
  /** Hourly rate over the period, weighted by liability: interest ÷ liability, summed over every hour. */
  averageRate: Decimal;
  /** Liability now: zero once the loans are repaid. */
  currentLiability: Decimal;
  peakLiability: Decimal;
  /** Interest-free liability of the account at the newest record that gives one. */
  interestFreeLiability: Decimal | undefined;
  /** What the next 30 days cost at the rate and liability now. */
  projected30d: Decimal;
  lines: LineTotal[];
  /** The currency's interest per account, costliest first, when several accounts are summed. */
  accounts?: AccountTotal[];
}

export interface AccountTotal {
  name: string;
  total: Decimal;
}

export interface Summary {
  from: number;
  to: number;
  currencies: CurrencySummary[];
  records: number;
}

export const yearlyRate = (hourly: Decimal): Decimal => hourly.times(HOURS_PER_YEAR);

/** Where the whole record of an accrual can be had when a summary needs it (the newest hour's, say). */
interface RecordSource {
  record(index: number): InterestRecord;
}

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
  /** The records of the hour being summed. */
  newest: { source: RecordSource; index: number }[];
  /** Every record, kept only while no liability has been seen: the average rate is then a plain mean. */
  withoutLiability: { source: RecordSource; index: number }[] | undefined;
  interestFree?: { ts: number; source: RecordSource; index: number };
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

/** Sums accruals of `[from, to]` given in time order within each currency, exactly, in one pass. */
class SummaryBuilder {
  private readonly states = new Map<string, CurrencyState>();
  private count = 0;
  /** The newest accrual up to `to`, of every record given. */
  latest: number | undefined;

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  add(
    line: { ccy: string; mgnMode: string; instId: string },
    ts: number,
    interest: Readonly<DecimalParts>,
    liability: Readonly<DecimalParts>,
    hasInterestFree: boolean,
    source: RecordSource,
    index: number,
  ): void {
    if (ts > this.to) return;
    if (this.latest === undefined || ts > this.latest) this.latest = ts;
    if (ts < this.from) return;
    this.count++;
    let state = this.states.get(line.ccy);
    if (state === undefined) {
      state = {
        ccy: line.ccy,
        total: new ExactSum(),
        liability: new ExactSum(),
        hourTs: ts,
        hour: new ExactSum(),
        peak: new ExactSum(),
        hours: 1,
        lines: new Map(),
        newest: [],
        withoutLiability: [],
      };
      this.states.set(line.ccy, state);
    }
    if (ts !== state.hourTs) {
      state.peak = higher(state.peak, state.hour);
      state.hour = new ExactSum();
      state.hourTs = ts;
      state.hours++;
      state.newest = [];
    }
    state.newest.push({ source, index });

    state.total.addParts(interest);
    let instruments = state.lines.get(line.mgnMode);
    if (instruments === undefined) state.lines.set(line.mgnMode, (instruments = new Map<string, ExactSum>()));
    let sum = instruments.get(line.instId);
    if (sum === undefined) instruments.set(line.instId, (sum = new ExactSum()));
    sum.addParts(interest);

    state.liability.addParts(liability);
    state.hour.addParts(liability);
    if (state.withoutLiability !== undefined) {
      if (liability.whole !== 0 || liability.high !== 0 || liability.low !== 0) state.withoutLiability = undefined;
      else state.withoutLiability.push({ source, index });
    }
    if (hasInterestFree && (state.interestFree === undefined || ts >= state.interestFree.ts)) state.interestFree = { ts, source, index };
  }

  /** `accountLatest`: the account's newest accrual, over all of its lines. */
  finish(accountLatest: number | undefined): Summary {
    const now = currentHour(accountLatest, this.to);
    const currencies = [...this.states.values()].map((state) => finish(state, now));
    currencies.sort((a, b) => b.total.comparedTo(a.total) || a.ccy.localeCompare(b.ccy));
    return { from: this.from, to: this.to, currencies, records: this.count };
  }
}

/**
 * Sums accruals in `[from, to]` per currency, exactly, in one pass. Records may come in any order (the
 * cache gives them in time order).
 */
export function summarize(input: readonly InterestRecord[], from: number, to: number): Summary {
  const records = isInTimeOrder(input) ? input : [...input].sort(byTime);
  const builder = new SummaryBuilder(from, to);
  const source: RecordSource = { record: (index) => records[index]! };
  // parseParts reuses its answer: the interest's parts are copied out before the liability is read.
  const interest = { whole: 0, high: 0, low: 0 };
  records.forEach((record, index) => {
    Object.assign(interest, parseParts(record.interest));
    const liability = parseParts(record.liab);
    builder.add(record, Number(record.ts), interest, liability, record.interestFreeLiab !== "", source, index);
  });
  return builder.finish(builder.latest);
}

/**
 * The same summary straight from cached blocks (one line and month each), without making a string of
 * every record: a year of four lines is ~35,000 records, summed on every one-year question. Each
 * currency's lines are merged by time, month by month.
 */
export function summarizeBlocks(blocks: readonly RecordBlock[], from: number, to: number, accountLatest: number | undefined): Summary {
  const builder = new SummaryBuilder(from, to);
  const groups = new Map<string, RecordBlock[]>();
  for (const block of blocks) {
    const key = `${block.line.ccy}|${block.base}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [block]);
    else group.push(block);
  }
  const interest = { whole: 0, high: 0, low: 0 };
  const liability = { whole: 0, high: 0, low: 0 };
  const inOrder = [...groups.values()].sort((a, b) => a[0]!.base - b[0]!.base);
  for (const group of inOrder) {
    const cursors = group.map(() => 0);
    for (;;) {
      let next = -1;
      for (let line = 0; line < group.length; line++) {
        const cursor = cursors[line]!;
        if (cursor < group[line]!.length && (next < 0 || group[line]!.ts[cursor]! < group[next]!.ts[cursors[next]!]!)) next = line;
      }
      if (next < 0) break;
      const block = group[next]!;
      const index = cursors[next]!++;
      builder.add(
        block.line,
        block.ts[index]!,
        partsAt(block.interest, index, interest),
        partsAt(block.liab, index, liability),
        block.hasInterestFree[index] === 1,
        block,
        index,
      );
    }
  }
  return builder.finish(accountLatest);
}

const recordsOf = (entries: readonly { source: RecordSource; index: number }[]) => entries.map(({ source, index }) => source.record(index));

function finish(state: CurrencyState, now: number | undefined): CurrencySummary {
  const newest = recordsOf(state.newest);
  const borrowing = now !== undefined && state.hourTs === now;
  const currentLiability = borrowing ? newest.reduce((sum, record) => sum.plus(record.liab || 0), new Decimal(0)) : new Decimal(0);
  const currentRate = borrowing ? weightedRate(newest) : undefined;
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
    latestTs: Number(newest[0]?.ts ?? Number.NaN),
    currentRate,
    // Interest is liability × rate, so this is the liability-weighted rate without a product per record.
    averageRate: liability.isZero() ? weightedRate(recordsOf(state.withoutLiability ?? [])) : total.dividedBy(liability),
    currentLiability,
    peakLiability: higher(state.peak, state.hour).toDecimal(),
    interestFreeLiability:
      state.interestFree === undefined ? undefined : new Decimal(state.interestFree.source.record(state.interestFree.index).interestFreeLiab),
    projected30d: currentRate === undefined ? new Decimal(0) : currentLiability.times(currentRate).times(PROJECTION_HOURS),
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

const sumOf = (values: readonly Decimal[]) => values.reduce((sum, value) => sum.plus(value), new Decimal(0));

/**
 * Several accounts' summaries as one: `combined` sums every account's records together (exactly, hour by
 * hour, so totals, hours, peaks and averages are those of the whole); what is "now" is each account's
 * own, added up (its debt, interest-free debt and projection), its rate weighted by each account's debt.
 * Each currency is split by account.
 */
export function combineAccounts(combined: Summary, accounts: readonly { name: string; summary: Summary }[]): Summary {
  const currencies = combined.currencies.map((currency): CurrencySummary => {
    const own = accounts.flatMap(({ name, summary }) => {
      const found = summary.currencies.find((one) => one.ccy === currency.ccy);
      return found === undefined ? [] : [{ name, currency: found }];
    });
    const borrowing = own.filter(({ currency: one }) => one.currentRate !== undefined);
    const debt = sumOf(borrowing.map(({ currency: one }) => one.currentLiability));
    const weighted = sumOf(borrowing.map(({ currency: one }) => one.currentRate!.times(one.currentLiability)));
    const currentRate =
      borrowing.length === 0
        ? undefined
        : debt.isZero()
          ? sumOf(borrowing.map(({ currency: one }) => one.currentRate!)).dividedBy(borrowing.length)
          : weighted.dividedBy(debt);
    const free = own.map(({ currency: one }) => one.interestFreeLiability).filter((value): value is Decimal => value !== undefined);
    return {
      ...currency,
      latestTs: Math.max(...own.map(({ currency: one }) => one.latestTs)),
      currentRate,
      currentLiability: sumOf(own.map(({ currency: one }) => one.currentLiability)),
      interestFreeLiability: free.length === 0 ? undefined : sumOf(free),
      projected30d: sumOf(own.map(({ currency: one }) => one.projected30d)),
      accounts: own.map(({ name, currency: one }) => ({ name, total: one.total })).sort((a, b) => b.total.comparedTo(a.total)),
    };
  });
  return { ...combined, currencies };
}
