import { lineLabel, type InterestRecord } from "./interest-record.js";
import { ExactSum, parseParts, type Decimal } from "./money.js";
import { addDays, isoDate, localDate, zonedTime } from "./time.js";

/** One local calendar day of one currency. */
export interface DayTotal {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** Start of the local day, ms (a DST day is 23 or 25 hours long). */
  start: number;
  /** Interest per borrowing line, in the order of `CurrencyDays.lines`; zero where a line accrued nothing. */
  byLine: Decimal[];
  total: Decimal;
  /** The day's hourly rate weighted by liability (interest ÷ liability); undefined on a day without liability. */
  rate: Decimal | undefined;
}

export interface CurrencyDays {
  ccy: string;
  /** Borrowing lines, the costliest first. */
  lines: { mgnMode: string; instId: string }[];
  /** Every local day from the one holding `from` to the one holding `to`, days without interest included. */
  days: DayTotal[];
  total: Decimal;
}

export interface DailyInterest {
  from: number;
  to: number;
  zone: string;
  /** The costliest currency first. */
  currencies: CurrencyDays[];
}

interface DaySums {
  /** Interest per borrowing line, by the line's index in `CurrencyState.lines`. */
  lines: ExactSum[];
  interest: ExactSum;
  liability: ExactSum;
}

interface CurrencyState {
  /** Margin mode → instrument → index of the line: no string built per record. */
  lineIndex: Map<string, Map<string, number>>;
  lines: { mgnMode: string; instId: string }[];
  days: DaySums[];
}

/** The local days covering `[from, to]` in the zone, with their start times. */
function localDays(from: number, to: number, zone: string): { date: string; start: number }[] {
  const days: { date: string; start: number }[] = [];
  for (let date = localDate(from, zone); ; date = addDays(date, 1)) {
    const start = zonedTime(date, 0, 0, zone);
    if (start > to) break;
    days.push({ date: isoDate(date), start });
  }
  return days;
}

/**
 * Interest per local day in the user's zone, per currency and borrowing line, summed exactly. A day is
 * bounded by local midnights, so a DST day holds 23 or 25 hourly records of a line. Records outside
 * `[from, to]` are left out; they may come in any order.
 */
export function dailyInterest(records: readonly InterestRecord[], from: number, to: number, zone: string): DailyInterest {
  const days = localDays(from, to, zone);
  const starts = days.map((day) => day.start);
  const states = new Map<string, CurrencyState>();
  let lastTs = Number.NaN;
  let lastIndex = 0;
  for (const record of records) {
    const ts = Number(record.ts);
    if (ts < from || ts > to) continue;
    // Records come hour by hour, several per hour: find the day once per distinct time.
    if (ts !== lastTs) {
      lastIndex = dayIndex(starts, ts);
      lastTs = ts;
    }
    let state = states.get(record.ccy);
    if (state === undefined) {
      state = { lineIndex: new Map(), lines: [], days: days.map(() => ({ lines: [], interest: new ExactSum(), liability: new ExactSum() })) };
      states.set(record.ccy, state);
    }
    let instruments = state.lineIndex.get(record.mgnMode);
    if (instruments === undefined) state.lineIndex.set(record.mgnMode, (instruments = new Map<string, number>()));
    let line = instruments.get(record.instId);
    if (line === undefined) {
      line = state.lines.push({ mgnMode: record.mgnMode, instId: record.instId }) - 1;
      instruments.set(record.instId, line);
    }
    const day = state.days[lastIndex]!;
    const interest = parseParts(record.interest);
    day.interest.addParts(interest);
    (day.lines[line] ??= new ExactSum()).addParts(interest);
    day.liability.add(record.liab);
  }
  const currencies = [...states].map(([ccy, state]) => finish(ccy, days, state));
  currencies.sort((a, b) => b.total.comparedTo(a.total) || a.ccy.localeCompare(b.ccy));
  return { from, to, zone, currencies };
}

/** The last day starting at or before `ts` (binary search over day starts). */
function dayIndex(starts: readonly number[], ts: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= ts) low = middle;
    else high = middle - 1;
  }
  return low;
}

function finish(ccy: string, days: readonly { date: string; start: number }[], state: CurrencyState): CurrencyDays {
  const lineTotals = state.lines.map(() => new ExactSum());
  for (const day of state.days) day.lines.forEach((sum, line) => lineTotals[line]!.addParts(sum));
  const order = state.lines
    .map((line, index) => ({ index, label: lineLabel(line), total: lineTotals[index]!.toDecimal() }))
    .sort((a, b) => b.total.comparedTo(a.total) || a.label.localeCompare(b.label));
  const zero = new ExactSum().toDecimal();
  const total = new ExactSum();
  const dayTotals = state.days.map((sums, index): DayTotal => {
    total.addParts(sums.interest);
    const interest = sums.interest.toDecimal();
    const liability = sums.liability.toDecimal();
    return {
      ...days[index]!,
      byLine: order.map((line) => sums.lines[line.index]?.toDecimal() ?? zero),
      total: interest,
      rate: liability.isZero() ? undefined : interest.dividedBy(liability),
    };
  });
  return { ccy, lines: order.map((line) => state.lines[line.index]!), days: dayTotals, total: total.toDecimal() };
}
