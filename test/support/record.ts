import type { InterestRecord } from "../../src/domain/interest-record.js";

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
