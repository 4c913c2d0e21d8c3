import type { InterestRecord } from "./interest-record.js";

/**
 * A place in the records view's order: newest first by time, then by a short key of the line. Several
 * lines accrue in one hour, so a page may end inside an hour: the line says where.
 */
export interface RecordCursor {
  ts: number;
  /** `lineKey` of the record; absent in buttons made before lines were part of the cursor (the whole hour). */
  line?: number;
}

/** A page of raw records: older than `after`, or newer than `before`, like OKX's own paging. */
export interface RecordsPage {
  after?: RecordCursor;
  before?: RecordCursor;
}

/** Keys are below 36⁵, five base-36 characters: a cursor must fit in callback data beside the view. */
const KEY_SPACE = 36 ** 5;

/** A short, stable key of a record's borrowing line (FNV-1a): new lines never move the others. */
export function lineKey(record: Pick<InterestRecord, "type" | "ccy" | "mgnMode" | "instId">): number {
  let hash = 0x811c9dc5;
  for (const char of `${record.type}|${record.ccy}|${record.mgnMode}|${record.instId}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % KEY_SPACE;
}

export const cursorOf = (record: InterestRecord): RecordCursor => ({ ts: Number(record.ts), line: lineKey(record) });

/** Positive when `a` comes after `b` in the view's order (is older). */
function compare(a: RecordCursor, b: RecordCursor): number {
  return b.ts - a.ts || (a.line === undefined || b.line === undefined ? 0 : b.line - a.line);
}

/**
 * One page of `size` records, newest first: the newest, those just older than `after`, or those just newer
 * than `before`. Records sharing a place (two lines of one hour whose keys collide) are never split
 * between pages, so every record is on exactly one page going older and the same going back newer.
 */
export function recordsPage<R extends InterestRecord>(records: readonly R[], page: RecordsPage, size: number): R[] {
  const placed = records.map((record) => ({ record, at: cursorOf(record) }));
  placed.sort((a, b) => compare(a.at, b.at));
  const samePlace = (a: RecordCursor, b: RecordCursor) => a.ts === b.ts && a.line === b.line;
  if (page.before !== undefined) {
    const before = page.before;
    const newer = placed.filter(({ at }) => compare(at, before) < 0);
    let start = Math.max(0, newer.length - size);
    while (start > 0 && samePlace(newer[start - 1]!.at, newer[start]!.at)) start--;
    return newer.slice(start).map(({ record }) => record);
  }
  const after = page.after;
  const older = after === undefined ? placed : placed.filter(({ at }) => compare(at, after) > 0);
  let end = Math.min(older.length, size);
  while (end > 0 && end < older.length && samePlace(older[end - 1]!.at, older[end]!.at)) end++;
  return older.slice(0, end).map(({ record }) => record);
}

/** `a<ts>.<line>` in base 36 (`b…` for newer): 15 characters for a time of this century. */
export function encodeCursor(page: RecordsPage): string | undefined {
  const [marker, cursor] = page.after !== undefined ? ["a", page.after] : page.before !== undefined ? ["b", page.before] : [];
  if (cursor === undefined) return undefined;
  return `${marker}${cursor.ts.toString(36)}${cursor.line === undefined ? "" : `.${cursor.line.toString(36)}`}`;
}

/** The page a cursor names; undefined if malformed. Also reads the older `a<ms>` form (a whole hour). */
export function decodeCursor(text: string): RecordsPage | undefined {
  const legacy = /^([ab])(\d{13})$/.exec(text);
  const current = /^([ab])([0-9a-z]{1,9})\.([0-9a-z]{1,5})$/.exec(text);
  const cursor: RecordCursor | undefined = legacy
    ? { ts: Number(legacy[2]) }
    : current
      ? { ts: Number.parseInt(current[2]!, 36), line: Number.parseInt(current[3]!, 36) }
      : undefined;
  if (cursor === undefined) return undefined;
  return (legacy ?? current)![1] === "a" ? { after: cursor } : { before: cursor };
}
