import type { InterestRecord } from "./interest-record.js";
import { parseParts, type DecimalParts } from "./money.js";

/** A borrowing line: what every record of one line shares. */
export type BorrowingLine = Pick<InterestRecord, "type" | "ccy" | "mgnMode" | "instId">;

/** The decimal fields of a record, in the order a block holds them. */
const DECIMAL_FIELDS = ["interest", "interestRate", "liab", "totalLiab", "interestFreeLiab"] as const;

const FORMAT = 1;
const HOUR_MS = 3600_000;
/** Value headers: 0 the empty string, 1 a string kept as sent, 2 + scale × 2 + sign a fixed-point integer. */
const EMPTY = 0;
const VERBATIM = 1;
const FIXED = 2;
/** The parts of a fixed-point value are exact only up to 18 decimals (money.ts). */
const MAX_PART_SCALE = 18;
const POWERS_OF_TEN = Array.from({ length: 19 }, (_, power) => 10 ** power);

/** Three columns of exact parts (money.ts) of one decimal field, one entry a record. */
export interface PartsColumn {
  whole: Float64Array;
  high: Float64Array;
  low: Float64Array;
}

/** The parts of one record's amount in a column, written into `into` (one object reused for a whole block). */
export function partsAt(column: PartsColumn, index: number, into: DecimalParts): DecimalParts {
  into.whole = column.whole[index]!;
  into.high = column.high[index]!;
  into.low = column.low[index]!;
  return into;
}

class Writer {
  private buffer = new Uint8Array(256);
  length = 0;

  private room(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** An unsigned integer below 2⁵³, seven bits a byte (arithmetic, not bit operations: they stop at 2³¹). */
  varint(value: number): void {
    this.room(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  bytes(value: Uint8Array): void {
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  text(value: string): void {
    const encoded = Buffer.from(value, "utf8");
    this.varint(encoded.length);
    this.bytes(encoded);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** `-?digits(.digits)?` read as sign, integer and scale, when that reads back to the very same text. */
function fixedPoint(value: string): { negative: boolean; mantissa: number; scale: number } | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (match === null) return undefined;
  const [, sign = "", whole = "", fraction = ""] = match;
  const mantissa = Number(whole + fraction);
  if (!Number.isSafeInteger(mantissa)) return undefined;
  const point = { negative: sign === "-", mantissa, scale: fraction.length };
  return fixedText(point.negative, point.mantissa, point.scale) === value ? point : undefined;
}

/**
 * The digits of a whole number below 2⁵³. V8 writes a number past 2³¹ as a double, about three times
 * slower than two small integers: this runs once or twice for every field of every record read back.
 */
function digitsOf(value: number): string {
  if (value < 1e9) return String(value);
  const high = Math.floor(value / 1e9);
  return String(high) + String(value - high * 1e9).padStart(9, "0");
}

function fixedText(negative: boolean, mantissa: number, scale: number): string {
  const digits = digitsOf(mantissa).padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

function writeDecimal(writer: Writer, value: string): void {
  if (value === "") return writer.varint(EMPTY);
  const point = fixedPoint(value);
  if (point === undefined) {
    writer.varint(VERBATIM);
    return writer.text(value);
  }
  writer.varint(FIXED + point.scale * 2 + (point.negative ? 1 : 0));
  writer.varint(point.mantissa);
}

/** Time steps: whole hours in hours (one byte for the usual step), anything else in milliseconds. */
function writeStep(writer: Writer, step: number): void {
  writer.varint(step % HOUR_MS === 0 ? (step / HOUR_MS) * 2 : step * 2 + 1);
}

/**
 * One borrowing line's records of one stretch (a month, say) as bytes: the line itself is not repeated,
 * times are steps from `base`, every decimal string is a fixed-point integer with its scale (kept as sent
 * where that would not read back to the same text), so each record reads back exactly as OKX sent it.
 * Records must be of the line, with distinct times, oldest first.
 */
export function encodeBlock(base: number, records: readonly InterestRecord[]): Uint8Array {
  return mergeBlock(base, undefined, records);
}

/**
 * A block holding `held`'s records and `fresh` ones (of the same line, distinct times, oldest first): a
 * fresh record replaces a held one of the same time. Held records are copied as bytes, not read back.
 */
export function mergeBlock(base: number, held: RecordBlock | undefined, fresh: readonly InterestRecord[]): Uint8Array {
  const heldCount = held?.length ?? 0;
  let previous = base;
  fresh.forEach((record, index) => {
    const ts = Number(record.ts);
    if (!(ts >= previous) || (index > 0 && ts === previous))
      throw new RangeError(`records of a block go oldest first, from ${base}, at distinct times: ${record.ts}`);
    previous = ts;
  });
  const items: { ts: number; held: number; fresh: InterestRecord | undefined }[] = [];
  for (let index = 0, next = 0; index < heldCount || next < fresh.length;) {
    const heldTs = index < heldCount ? held!.ts[index]! : Infinity;
    const freshTs = next < fresh.length ? Number(fresh[next]!.ts) : Infinity;
    if (freshTs <= heldTs) {
      items.push({ ts: freshTs, held: -1, fresh: fresh[next++] });
      if (freshTs === heldTs) index++;
    } else items.push({ ts: heldTs, held: index++, fresh: undefined });
  }
  const writer = new Writer();
  writer.varint(FORMAT);
  writer.varint(items.length);
  previous = base;
  for (const item of items) {
    writeStep(writer, item.ts - previous);
    previous = item.ts;
    if (item.fresh !== undefined) for (const field of DECIMAL_FIELDS) writeDecimal(writer, item.fresh[field]);
    else writer.bytes(held!.fieldBytes(item.held));
  }
  return writer.result();
}

/** A block read back: times and the parts of interest and liability as columns, whole records on demand. */
export class RecordBlock {
  readonly length: number;
  readonly ts: Float64Array;
  readonly interest: PartsColumn;
  readonly liab: PartsColumn;
  /** 1 where the record gives an interest-free liability. */
  readonly hasInterestFree: Uint8Array;
  /** Where each record's decimal fields start and end, for `record(i)` and `fieldBytes(i)`. */
  private readonly offsets: Uint32Array;
  private readonly ends: Uint32Array;
  private cursor = 0;

  constructor(
    readonly line: BorrowingLine,
    /** The time the block's steps start from (its month). */
    readonly base: number,
    private readonly bytes: Uint8Array,
  ) {
    if (this.varint() !== FORMAT) throw new Error("unknown record block format");
    this.length = this.varint();
    this.ts = new Float64Array(this.length);
    this.offsets = new Uint32Array(this.length);
    this.ends = new Uint32Array(this.length);
    this.interest = partsColumn(this.length);
    this.liab = partsColumn(this.length);
    this.hasInterestFree = new Uint8Array(this.length);
    let ts = base;
    for (let index = 0; index < this.length; index++) {
      const step = this.varint();
      ts += step % 2 === 0 ? (step / 2) * HOUR_MS : (step - 1) / 2;
      this.ts[index] = ts;
      this.offsets[index] = this.cursor;
      this.readParts(this.interest, index);
      this.skipDecimal();
      this.readParts(this.liab, index);
      this.skipDecimal();
      if (this.skipDecimal() !== EMPTY) this.hasInterestFree[index] = 1;
      this.ends[index] = this.cursor;
    }
  }

  private varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.cursor++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  private readText(): string {
    const length = this.varint();
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.cursor, length).toString("utf8");
    this.cursor += length;
    return text;
  }

  /** Steps over a value; returns its header. */
  private skipDecimal(): number {
    const header = this.varint();
    if (header === VERBATIM) {
      const length = this.varint();
      this.cursor += length;
    } else if (header >= FIXED) this.varint();
    return header;
  }

  private readDecimal(): string {
    const header = this.varint();
    if (header === EMPTY) return "";
    if (header === VERBATIM) return this.readText();
    const code = header - FIXED;
    return fixedText(code % 2 === 1, this.varint(), Math.floor(code / 2));
  }

  /** The parts of the next value, exactly as money.ts's `parseParts` gives them for its text. */
  private readParts(column: PartsColumn, index: number): void {
    const start = this.cursor;
    const header = this.varint();
    if (header === EMPTY) return;
    const scale = Math.floor((header - FIXED) / 2);
    if (header === VERBATIM || scale > MAX_PART_SCALE) {
      this.cursor = start;
      return setParts(column, index, parseParts(this.readDecimal()));
    }
    const sign = (header - FIXED) % 2 === 1 ? -1 : 1;
    const mantissa = this.varint();
    const unit = POWERS_OF_TEN[scale]!;
    let whole = Math.floor(mantissa / unit);
    if (whole * unit > mantissa) whole--;
    const fraction = mantissa - whole * unit;
    let high: number;
    let low = 0;
    if (scale <= 9) high = fraction * POWERS_OF_TEN[9 - scale]!;
    else {
      const split = POWERS_OF_TEN[scale - 9]!;
      high = Math.floor(fraction / split);
      if (high * split > fraction) high--;
      low = (fraction - high * split) * POWERS_OF_TEN[18 - scale]!;
    }
    column.whole[index] = sign * whole;
    column.high[index] = sign * high;
    column.low[index] = sign * low;
  }

  /** The encoded decimal fields of the record at `index`, as they stand in the block. */
  fieldBytes(index: number): Uint8Array {
    return this.bytes.subarray(this.offsets[index], this.ends[index]);
  }

  /** The record at `index`, every field as OKX sent it. */
  record(index: number): InterestRecord {
    this.cursor = this.offsets[index]!;
    const { type, ccy, mgnMode, instId } = this.line;
    return {
      type,
      ccy,
      mgnMode,
      instId,
      interest: this.readDecimal(),
      interestRate: this.readDecimal(),
      liab: this.readDecimal(),
      totalLiab: this.readDecimal(),
      interestFreeLiab: this.readDecimal(),
      ts: digitsOf(this.ts[index]!),
    };
  }

  records(): InterestRecord[] {
    return Array.from({ length: this.length }, (_, index) => this.record(index));
  }
}

function partsColumn(length: number): PartsColumn {
  return { whole: new Float64Array(length), high: new Float64Array(length), low: new Float64Array(length) };
}

function setParts(column: PartsColumn, index: number, parts: Readonly<DecimalParts>): void {
  column.whole[index] = parts.whole;
  column.high[index] = parts.high;
  column.low[index] = parts.low;
}

/** A block as stored, not read yet: its line, its month and its bytes. */
export interface StoredBlock {
  line: BorrowingLine;
  month: number;
  bytes: Uint8Array;
}

export function nextMonth(start: number): number {
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The part of `[from, to]` within the month starting at `month`. */
export function monthBounds(month: number, from: number, to: number): [first: number, last: number] {
  return [Math.max(from, month), Math.min(to, nextMonth(month) - 1)];
}

/** Records of several lines, oldest first; within one time, in line order. */
export function inTimeOrder(blocks: readonly RecordBlock[], from: number, to: number): InterestRecord[] {
  const records: { ts: number; order: number; record: () => InterestRecord }[] = [];
  blocks.forEach((block, order) => {
    for (let index = 0; index < block.length; index++) {
      const ts = block.ts[index]!;
      if (ts >= from && ts <= to) records.push({ ts, order, record: () => block.record(index) });
    }
  });
  records.sort((a, b) => a.ts - b.ts || a.order - b.order);
  return records.map((entry) => entry.record());
}

/**
 * The records of stored blocks (in month and line order) with `from <= ts <= to`, oldest first, a month at
 * a time, each month decoded only when its turn comes: the batches the cache gives an export.
 */
export function* monthBatches(blocks: readonly StoredBlock[], from: number, to: number): Generator<InterestRecord[]> {
  for (let start = 0; start < blocks.length;) {
    const month = blocks[start]!.month;
    let end = start;
    while (end < blocks.length && blocks[end]!.month === month) end++;
    const [first, last] = monthBounds(month, from, to);
    const records = inTimeOrder(
      blocks.slice(start, end).map((block) => new RecordBlock(block.line, block.month, block.bytes)),
      first,
      last,
    );
    if (records.length > 0) yield records;
    start = end;
  }
}
