import type { RecordBlock } from "./record-block.js";

const HOUR_MS = 3600_000;
/** OKX writes an hour's accrual after the hour: its newest record may be this far behind the clock. */
export const ACCRUAL_LAG_MS = 2 * HOUR_MS;

/**
 * The hour that stands for "now" in an account: its latest accrual hour, unless even that is older than
 * OKX's lag (then nothing is borrowed any more). Debt, rate and projections "now" are those of the lines
 * with a record at this hour; a line without one (a loan repaid) owes nothing now and has no rate now.
 */
export function currentHour(latestAccrual: number | undefined, asOf: number): number | undefined {
  return latestAccrual !== undefined && latestAccrual > asOf - ACCRUAL_LAG_MS ? latestAccrual : undefined;
}

/** The newest accrual from `since` to `to` in any of `blocks` (which hold each line's times in order). */
export function latestAccrual(blocks: readonly RecordBlock[], since: number, to: number): number | undefined {
  let latest: number | undefined;
  for (const block of blocks) {
    for (let index = block.length - 1; index >= 0; index--) {
      const ts = block.ts[index]!;
      if (ts > to) continue;
      if (ts >= since && (latest === undefined || ts > latest)) latest = ts;
      break;
    }
  }
  return latest;
}
