import { Decimal } from "../../../src/domain/money.js";
import type { InterestRecord } from "../../../src/domain/interest-record.js";

/** One borrowing line of an account: a currency borrowed in one margin mode (and instrument, if isolated). */
export interface LoanLine {
  ccy: string;
  mgnMode: "cross" | "isolated";
  /** Empty for cross margin. */
  instId: string;
  /** Typical liability, in units of `ccy`. */
  liability: number;
  /** Typical hourly rate, e.g. 0.0000040833 (about 3.58 % a year). */
  hourlyRate: number;
}

/** Three currencies, both margin modes, two instruments. */
export const DEFAULT_LINES: readonly LoanLine[] = [
  { ccy: "USDT", mgnMode: "cross", instId: "", liability: 2500, hourlyRate: 0.0000040833 },
  { ccy: "BTC", mgnMode: "cross", instId: "", liability: 0.05, hourlyRate: 0.0000011416 },
  { ccy: "ETH", mgnMode: "isolated", instId: "ETH-USDT", liability: 1.5, hourlyRate: 0.0000022831 },
  { ccy: "USDT", mgnMode: "isolated", instId: "BTC-USDT", liability: 800, hourlyRate: 0.0000045662 },
];

export const HOUR_MS = 3600_000;

/** A small seeded generator (mulberry32): the same seed gives the same year every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AccrualOptions {
  seed?: number;
  /** The newest hour (rounded down to the hour). */
  endTs?: number;
  hours?: number;
  lines?: readonly LoanLine[];
}

/**
 * Hourly accruals, newest first, as OKX would hold them: liabilities and rates wander, and each line has
 * stretches without debt (and so without records). Interest is liability × hourly rate, in decimals.
 */
export function generateAccruals(options: AccrualOptions = {}): InterestRecord[] {
  const random = seededRandom(options.seed ?? 1);
  const lines = options.lines ?? DEFAULT_LINES;
  const hours = options.hours ?? 365 * 24;
  const endTs = Math.floor((options.endTs ?? Date.now()) / HOUR_MS) * HOUR_MS;
  const state = lines.map((line) => ({ liability: line.liability, rate: line.hourlyRate, repaidFor: 0 }));
  const records: InterestRecord[] = [];
  for (let hour = 0; hour < hours; hour++) {
    const ts = endTs - hour * HOUR_MS;
    lines.forEach((line, index) => {
      const current = state[index]!;
      // Walk back in time: liability and rate drift slowly, with a repaid stretch now and then.
      current.liability = clamp(current.liability * (1 + (random() - 0.5) * 0.04), line.liability * 0.2, line.liability * 3);
      current.rate = clamp(current.rate * (1 + (random() - 0.5) * 0.02), line.hourlyRate * 0.5, line.hourlyRate * 2);
      if (current.repaidFor > 0) {
        current.repaidFor--;
        return;
      }
      if (random() < 0.002) current.repaidFor = Math.floor(random() * 48);
      const liab = new Decimal(current.liability).toDecimalPlaces(8);
      const interestRate = new Decimal(current.rate).toDecimalPlaces(16);
      records.push({
        type: "2",
        ccy: line.ccy,
        instId: line.instId,
        mgnMode: line.mgnMode,
        interest: liab.times(interestRate).toDecimalPlaces(16).toFixed(),
        interestRate: interestRate.toFixed(),
        liab: liab.toFixed(),
        totalLiab: "",
        interestFreeLiab: "",
        ts: String(ts),
      });
    });
  }
  return records;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
