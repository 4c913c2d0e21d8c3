import type { InterestRecord } from "./interest-record.js";
import { isoFormatter } from "./time.js";
import type { InterestView } from "./view.js";

/** Every field of the endpoint, by its own name; `ts` as an ISO 8601 time in the user's zone. */
export const CSV_COLUMNS = ["ts", "ccy", "mgnMode", "instId", "interest", "interestRate", "liab", "totalLiab", "interestFreeLiab", "type"] as const;

/** Telegram takes documents of up to 50 MB from bots; each part stays well under. */
export const MAX_DOCUMENT_BYTES = 45 * 1024 * 1024;

/** One RFC 4180 line: a field with a comma, quote or line break is quoted, its quotes doubled; CRLF at the end. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field)).join(",")}\r\n`;
}

const HEADER = csvLine(CSV_COLUMNS);

/**
 * The CSV of a stream of records, cut into documents of at most `maxBytes`, each starting with the header:
 * records are read from the cache a batch at a time and never held all at once.
 */
export class CsvDocuments {
  private readonly batches: AsyncIterator<readonly InterestRecord[]>;
  private readonly iso: (ms: number) => string;
  /** Rows of the batch being written, and how many of them are. */
  private rows: string[] = [];
  private written = 0;
  private finished = false;

  constructor(
    batches: AsyncIterable<readonly InterestRecord[]>,
    zone: string,
    private readonly maxBytes = MAX_DOCUMENT_BYTES,
  ) {
    this.batches = batches[Symbol.asyncIterator]();
    this.iso = isoFormatter(zone);
  }

  /** The next document's bytes, or undefined once every record is written. Read each document whole before asking for the next. */
  async next(): Promise<AsyncIterable<Uint8Array> | undefined> {
    return (await this.hasRows()) ? this.document() : undefined;
  }

  /** Whether a row is waiting, reading the next batch when the last one is written. */
  private async hasRows(): Promise<boolean> {
    while (this.written >= this.rows.length && !this.finished) {
      const batch = await this.batches.next();
      if (batch.done === true) this.finished = true;
      else [this.rows, this.written] = [batch.value.map((record) => this.row(record)), 0];
    }
    return this.written < this.rows.length;
  }

  private row(record: InterestRecord): string {
    return csvLine(CSV_COLUMNS.map((column) => (column === "ts" ? this.iso(Number(record.ts)) : record[column])));
  }

  private async *document(): AsyncGenerator<Uint8Array> {
    let size = Buffer.byteLength(HEADER);
    let chunk = HEADER;
    while (await this.hasRows()) {
      for (; this.written < this.rows.length; this.written++) {
        const row = this.rows[this.written]!;
        const bytes = Buffer.byteLength(row);
        // A row that does not fit opens the next document (a document always takes at least one row).
        if (size + bytes > this.maxBytes && size > HEADER.length) {
          if (chunk !== "") yield Buffer.from(chunk);
          return;
        }
        size += bytes;
        chunk += row;
      }
      yield Buffer.from(chunk);
      chunk = "";
    }
    if (chunk !== "") yield Buffer.from(chunk);
  }
}

/** Letters, digits, `.` and `-` of a name; the rest dropped, so the file name is safe everywhere. */
const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");

/** `okx-interest_main-account_USDT_cross_2026-11-01_2026-12-01.csv`, `…_part2.csv` for the second of several. */
export function exportFileName(account: string, view: InterestView, dates: { from: string; to: string }, part = 1): string {
  const filters = [view.ccy ?? "all", view.mgnMode, view.instId].filter((filter): filter is string => filter !== undefined);
  const name = ["okx-interest", fileSafe(account) || "account", ...filters, dates.from, dates.to].join("_");
  return `${name}${part > 1 ? `_part${part}` : ""}.csv`;
}
