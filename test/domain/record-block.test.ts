import { describe, expect, it } from "vitest";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { parseParts } from "../../src/domain/money.js";
import { encodeBlock, mergeBlock, RecordBlock } from "../../src/domain/record-block.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";

const MONTH = Date.UTC(2026, 10, 1);
const line = { type: "2", ccy: "USDT", mgnMode: "cross", instId: "" };

function record(ts: number, fields: Partial<InterestRecord> = {}): InterestRecord {
  return {
    ...line,
    interest: "0.0003960833333334",
    interestRate: "0.0000040833333333",
    liab: "97",
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(ts),
    ...fields,
  };
}

const roundTrip = (records: InterestRecord[]) => new RecordBlock(line, MONTH, encodeBlock(MONTH, records));

describe("record blocks", () => {
  it("give back a month of generated records field for field, in about 24 bytes each", () => {
    const records = generateAccruals({
      endTs: MONTH + 30 * 24 * HOUR_MS,
      hours: 30 * 24,
      lines: [{ ccy: "USDT", mgnMode: "cross", instId: "", liability: 2500, hourlyRate: 0.0000040833 }],
    })
      .filter((accrual) => Number(accrual.ts) >= MONTH)
      .reverse();
    expect(records.length).toBeGreaterThan(600);
    const bytes = encodeBlock(MONTH, records);
    const block = new RecordBlock(line, MONTH, bytes);
    expect(block.records()).toEqual(records);
    expect(bytes.length / records.length).toBeLessThan(26);
  });

  it("keep every decimal string exactly as sent, however it is written", () => {
    const odd = [
      "0",
      "-0",
      "007",
      "1.50",
      "-2.000",
      "12345678901234567890.123456789",
      "0.0000000000000000000001",
      "99999999999999999",
      "-0.5",
      "1e5",
      "5.",
      ".5",
      " 1",
      "一",
    ];
    const records = odd.map((value, index) =>
      record(MONTH + index * HOUR_MS + (index % 3), { interest: value, liab: value, interestFreeLiab: value, totalLiab: index % 2 ? "" : value }),
    );
    expect(roundTrip(records).records()).toEqual(records);
  });

  it("give the same exact parts as parsing the text, for interest and liability", () => {
    const values = [
      "0.0003960833333334",
      "97",
      "-1.5",
      "2500.12345678",
      "0.000000000000000001",
      "123456789.987654321",
      "7",
      "",
      "1.2345678901234567890123",
    ];
    const block = roundTrip(values.map((value, index) => record(MONTH + index * HOUR_MS, { interest: value || "0", liab: value })));
    values.forEach((value, index) => {
      const expected = parseParts(value || "0");
      expect([block.interest.whole[index], block.interest.high[index], block.interest.low[index]], value).toEqual([
        expected.whole,
        expected.high,
        expected.low,
      ]);
      const liab = value === "" ? { whole: 0, high: 0, low: 0 } : parseParts(value);
      expect([block.liab.whole[index], block.liab.high[index], block.liab.low[index]], value).toEqual([liab.whole, liab.high, liab.low]);
    });
  });

  it("keep times that are not on the hour, and refuse records out of order", () => {
    const records = [record(MONTH), record(MONTH + 1), record(MONTH + HOUR_MS + 17), record(MONTH + 40 * HOUR_MS)];
    const block = roundTrip(records);
    expect([...block.ts]).toEqual(records.map((entry) => Number(entry.ts)));
    expect(block.record(2)).toEqual(records[2]);
    expect(() => encodeBlock(MONTH, [record(MONTH + HOUR_MS), record(MONTH)])).toThrow(RangeError);
  });
});

describe("merging into a block", () => {
  it("keeps held records byte for byte and lets a fresh record of the same time replace the held one", () => {
    const held = [record(MONTH), record(MONTH + HOUR_MS, { interest: "007" }), record(MONTH + 3 * HOUR_MS), record(MONTH + 5 * HOUR_MS + 9)];
    const fresh = [record(MONTH + HOUR_MS, { interest: "0.5" }), record(MONTH + 2 * HOUR_MS, { liab: "1.10" }), record(MONTH + 9 * HOUR_MS)];
    const merged = new RecordBlock(line, MONTH, mergeBlock(MONTH, roundTrip(held), fresh));
    expect(merged.records()).toEqual([held[0], fresh[0], fresh[1], held[2], held[3], fresh[2]]);
    expect(mergeBlock(MONTH, roundTrip(held), [])).toEqual(encodeBlock(MONTH, held));
    expect(() => mergeBlock(MONTH, undefined, [record(MONTH), record(MONTH)])).toThrow(RangeError);
  });
});
