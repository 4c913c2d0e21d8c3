import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, CsvDocuments, csvLine, exportFileName } from "../../src/domain/csv.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { isoFormatter } from "../../src/domain/time.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";

/** Batches of `size`, oldest first, one at a time as the cache gives them. */
async function* inBatches(records: readonly InterestRecord[], size: number): AsyncGenerator<InterestRecord[]> {
  for (let index = 0; index < records.length; index += size) yield await Promise.resolve(records.slice(index, index + size));
}

async function documentsOf(documents: CsvDocuments): Promise<string[]> {
  const texts: string[] = [];
  for (let document = await documents.next(); document !== undefined; document = await documents.next()) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of document) chunks.push(chunk);
    texts.push(Buffer.concat(chunks).toString("utf8"));
  }
  return texts;
}

/** A CSV document back to records, with a real CSV parser; `ts` from its ISO time to milliseconds. */
function recordsOf(text: string): InterestRecord[] {
  const rows = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
  return rows.map((row) => ({ ...(row as unknown as InterestRecord), ts: String(Date.parse(row.ts!)) }));
}

const byField = (record: InterestRecord) => Object.fromEntries(CSV_COLUMNS.map((column) => [column, record[column]]));

describe("CSV export", () => {
  it("round-trips a year of records exactly: every field, decimal strings byte for byte", async () => {
    const records = generateAccruals({ hours: 24 * 365, endTs: Date.UTC(2026, 11, 1) }).reverse();
    // The endpoint's own example has empty fields and a rate with 16 decimals.
    records.push({
      type: "1",
      ccy: "USDT",
      instId: "",
      mgnMode: "",
      interest: "0.0003960833333334",
      interestRate: "0.0000040833333333",
      liab: "97",
      totalLiab: "",
      interestFreeLiab: "",
      ts: String(Date.UTC(2026, 11, 1, 1)),
    });
    const [text, ...more] = await documentsOf(new CsvDocuments(inBatches(records, 2_000), "Europe/Berlin"));
    expect(more).toEqual([]);
    expect(text!.startsWith("ts,ccy,mgnMode,instId,interest,interestRate,liab,totalLiab,interestFreeLiab,type\r\n")).toBe(true);
    expect(recordsOf(text!).map(byField)).toEqual(records.map(byField));
    // Times in the user's zone: summer and winter offsets of Berlin.
    expect(text).toContain("2026-07-01T12:00:00.000+02:00");
    expect(text).toContain("2026-01-01T12:00:00.000+01:00");
  });

  it("splits a large export into documents under the limit, each with the header, losing no row", async () => {
    const records = generateAccruals({ hours: 24 * 10, endTs: Date.UTC(2026, 5, 1) }).reverse();
    const limit = 20_000;
    const texts = await documentsOf(new CsvDocuments(inBatches(records, 97), "UTC", limit));
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
      expect(text.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    }
    expect(texts.flatMap(recordsOf).map(byField)).toEqual(records.map(byField));
  });

  it("gives no document when there is no record", async () => {
    expect(await documentsOf(new CsvDocuments(inBatches([], 10), "UTC"))).toEqual([]);
  });

  it("quotes fields as RFC 4180 says", () => {
    expect(csvLine(["plain", "with,comma", 'with "quote"', "two\r\nlines", ""])).toBe('plain,"with,comma","with ""quote""","two\r\nlines",\r\n');
    const [row] = parse(csvLine(["a,b", 'c"d', "e\nf"]));
    expect(row).toEqual(["a,b", 'c"d', "e\nf"]);
  });

  it("writes ISO times with the zone's offset on both sides of a DST change", () => {
    const iso = isoFormatter("America/New_York");
    // Clocks go back from 02:00 EDT to 01:00 EST on 1 Nov 2026 (06:00 UTC).
    const times = [4, 5, 6, 7].map((hour) => iso(Date.UTC(2026, 10, 1, hour)));
    expect(times).toEqual([
      "2026-11-01T00:00:00.000-04:00",
      "2026-11-01T01:00:00.000-04:00",
      "2026-11-01T01:00:00.000-05:00",
      "2026-11-01T02:00:00.000-05:00",
    ]);
    for (const [index, time] of times.entries()) expect(Date.parse(time)).toBe(Date.UTC(2026, 10, 1, 4 + index));
    expect(isoFormatter("Asia/Kolkata")(Date.UTC(2026, 0, 1) + HOUR_MS / 2)).toBe("2026-01-01T06:00:00.000+05:30");
  });

  it("names the file for the account, the filters and the dates", () => {
    const dates = { from: "2026-11-01", to: "2026-12-01" };
    expect(exportFileName("Main account", { period: "30d", ccy: "USDT", mgnMode: "cross" }, dates)).toBe(
      "okx-interest_Main-account_USDT_cross_2026-11-01_2026-12-01.csv",
    );
    expect(exportFileName("主账户", { period: "1y" }, dates, 2)).toBe("okx-interest_account_all_2026-11-01_2026-12-01_part2.csv");
  });
});
