/** One hourly accrual, as OKX's interest-accrued endpoint returns it: every amount a decimal string. */
export interface InterestRecord {
  /** Loan type: `2` market loans. */
  type: string;
  ccy: string;
  /** Instrument of an isolated-margin loan, e.g. `BTC-USDT`; empty for cross margin. */
  instId: string;
  /** `cross`, `isolated`, or empty where OKX leaves it out. */
  mgnMode: string;
  interest: string;
  /** Hourly rate, e.g. `0.0000040833333333`. */
  interestRate: string;
  liab: string;
  totalLiab: string;
  interestFreeLiab: string;
  /** Milliseconds since the epoch, as a string. */
  ts: string;
}

/** What makes a record unique: one accrual per loan line and hour. */
export function recordIdentity(record: Pick<InterestRecord, "ts" | "type" | "ccy" | "instId" | "mgnMode">): string {
  return `${record.ts}|${record.type}|${record.ccy}|${record.instId}|${record.mgnMode}`;
}

/** A borrowing line in words: `cross`, `isolated BTC-USDT`, or `—` where OKX gives no margin mode. */
export function lineLabel(line: Pick<InterestRecord, "mgnMode" | "instId">): string {
  return `${line.mgnMode || "—"} ${line.instId}`.trim();
}

type Line = Pick<InterestRecord, "ccy" | "mgnMode" | "instId">;

/** The currencies of an account's borrowing lines, each once, in the lines' order. */
export const currenciesOf = (lines: readonly Line[]): string[] => [...new Set(lines.map((line) => line.ccy))];

/** The instruments of an account's isolated lines (of one currency, if given), each once. */
export const instrumentsOf = (lines: readonly Line[], ccy?: string): string[] => [
  ...new Set(lines.filter((line) => line.instId !== "" && (ccy === undefined || line.ccy === ccy)).map((line) => line.instId)),
];
