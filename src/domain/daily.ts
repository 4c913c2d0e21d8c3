import { lineLabel, type InterestRecord } from "./interest-record.js";
import { ExactSum, parseParts, type Decimal, type DecimalParts } from "./money.js";
import { partsAt, type RecordBlock } from "./record-block.js";
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

/** Sums records into their local days, one at a time, whatever their order. */
class DailyBuilder {
  private readonly days: { date: string; start: number }[];
  private readonly starts: number[];
  private readonly states = new Map<string, CurrencyState>();
  private lastTs = Number.NaN;
  private lastIndex = 0;

  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly zone: string,
  ) {
    this.days = localDays(from, to, zone);
    this.starts = this.days.map((day) => day.start);
  }

  add(line: { ccy: string; mgnMode: string; instId: string }, ts: number, interest: Readonly<DecimalParts>, liability: Readonly<DecimalParts>): void {
    if (ts < this.from || ts > this.to) return;
    // Records come hour by hour, several per hour: find the day once per distinct time.
    if (ts !== this.lastTs) {
      this.lastIndex = dayIndex(this.starts, ts);
      this.lastTs = ts;
    }
    let state = this.states.get(line.ccy);
    if (state === undefined) {
      state = { lineIndex: new Map(), lines: [], days: this.days.map(() => ({ lines: [], interest: new ExactSum(), liability: new ExactSum() })) };
      this.states.set(line.ccy, state);
    }
    let instruments = state.lineIndex.get(line.mgnMode);
    if (instruments === undefined) state.lineIndex.set(line.mgnMode, (instruments = new Map<string, number>()));
    let index = instruments.get(line.instId);
    if (index === undefined) {
      index = state.lines.push({ mgnMode: line.mgnMode, instId: line.instId }) - 1;
      instruments.set(line.instId, index);
    }
    const day = state.days[this.lastIndex]!;
    day.interest.addParts(interest);
    (day.lines[index] ??= new ExactSum()).addParts(interest);
    day.liability.addParts(liability);
  }

  finish(): DailyInterest {
    const currencies = [...this.states].map(([ccy, state]) => finish(ccy, this.days, state));
    currencies.sort((a, b) => b.total.comparedTo(a.total) || a.ccy.localeCompare(b.ccy));
    return { from: this.from, to: this.to, zone: this.zone, currencies };
  }
}

/**
 * Interest per local day in the user's zone, per currency and borrowing line, summed exactly. A day is
 * bounded by local midnights, so a DST day holds 23 or 25 hourly records of a line. Records outside
 * `[from, to]` are left out; they may come in any order.
 */
export function dailyInterest(records: readonly InterestRecord[], from: number, to: number, zone: string): DailyInterest {
  const builder = new DailyBuilder(from, to, zone);
  for (const record of records) {
    // parseParts reuses one object: the interest's parts are copied before the liability is read.
    const interest = { ...parseParts(record.interest) };
    builder.add(record, Number(record.ts), interest, parseParts(record.liab));
  }
  return builder.finish();
}

/**
 * The same from the cache's record blocks, summed straight from their integers (no record decoded): what a
 * chart of a year asks for. Records before `heldFrom` (a history not whole yet) are left out too.
 */
export function dailyBlocks(blocks: readonly RecordBlock[], from: number, to: number, zone: string, heldFrom = from): DailyInterest {
  const builder = new DailyBuilder(from, to, zone);
  const interest = { whole: 0, high: 0, low: 0 };
  const liability = { whole: 0, high: 0, low: 0 };
  for (const block of blocks) {
    for (let index = 0; index < block.length; index++) {
      const ts = block.ts[index]!;
      if (ts < heldFrom) continue;
      builder.add(block.line, ts, partsAt(block.interest, index, interest), partsAt(block.liab, index, liability));
    }
  }
  return builder.finish();
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
