import type { InterestRecord } from "../../src/domain/interest-record.js";
import { encodeBlock, RecordBlock } from "../../src/domain/record-block.js";

/** A cross USDT record of nothing at time 0, with what a test sets. */
export function record(overrides: Partial<InterestRecord>): InterestRecord {
  return {
    type: "2",
    ccy: "USDT",
    instId: "",
    mgnMode: "cross",
    interest: "0",
    interestRate: "0",
    liab: "0",
    totalLiab: "",
    interestFreeLiab: "",
    ts: "0",
    ...overrides,
  };
}

/** The records as the cache holds them: one block per borrowing line and UTC month, oldest month first. */
export function blocksOf(records: readonly InterestRecord[]): RecordBlock[] {
  const lineOf = (record: InterestRecord) => `${record.type}|${record.ccy}|${record.mgnMode}|${record.instId}`;
  const monthOf = (record: InterestRecord) => {
    const date = new Date(Number(record.ts));
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  };
  const blocks: RecordBlock[] = [];
  for (const key of new Set(records.map(lineOf))) {
    const ofLine = records.filter((record) => lineOf(record) === key).reverse();
    for (const month of new Set(ofLine.map(monthOf))) {
      const inMonth = ofLine.filter((record) => monthOf(record) === month);
      blocks.push(new RecordBlock(inMonth[0]!, month, encodeBlock(month, inMonth)));
    }
  }
  return blocks.sort((a, b) => a.base - b.base);
}
