import { Decimal } from "../src/domain/money.js";
import type { InterestRecord } from "../src/domain/interest-record.js";
import { HOUR_MS, type FakeOkxAccount } from "../test/support/fake-okx/index.js";

/** How many times its rate a spiked line pays: a squeeze, as OKX's market loans see them. */
export const SPIKE_FACTOR = 10;

export type SpikeOutcome = { kind: "spiked"; hour: number; lines: InterestRecord[] } | { kind: "no-line" } | { kind: "too-soon"; next: number };

/**
 * `/demo-spike CCY`: the account's next hour on the fake OKX, each of its lines as in its newest hour but
 * those of `ccy` at `SPIKE_FACTOR` times their rate. The next hour must have begun: OKX never shows an
 * hour to come.
 */
export function spikeNextHour(account: FakeOkxAccount, ccy: string, now: number): SpikeOutcome {
  const newest = Math.max(...account.records.map((record) => Number(record.ts)));
  const latest = account.records.filter((record) => Number(record.ts) === newest);
  if (!latest.some((record) => record.ccy === ccy)) return { kind: "no-line" };
  const hour = newest + HOUR_MS;
  if (hour > now) return { kind: "too-soon", next: hour };
  const next = latest.map((record): InterestRecord => {
    if (record.ccy !== ccy) return { ...record, ts: String(hour) };
    const rate = new Decimal(record.interestRate).times(SPIKE_FACTOR);
    return {
      ...record,
      ts: String(hour),
      interestRate: rate.toFixed(),
      interest: new Decimal(record.liab).times(rate).toDecimalPlaces(12).toFixed(),
    };
  });
  // The fake serves its records newest first.
  account.records.unshift(...next);
  return { kind: "spiked", hour, lines: next.filter((record) => record.ccy === ccy) };
}
