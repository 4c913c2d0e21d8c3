import type { OkxClient, OkxCredentials } from "../okx/client.js";
import { HISTORY_DEPTH_MS, interestHistory } from "../okx/interest-accrued.js";
import type { Priority } from "../okx/limiter.js";
import type { Coverage, InterestCache } from "../store/interest-cache.js";

export interface HistoryProgress {
  /** Oldest time held so far, ms. */
  coveredFrom: number;
  /** The time being reached for, ms. */
  target: number;
  pages: number;
}

export interface EnsureOptions {
  priority: Priority;
  onProgress?: (progress: HistoryProgress) => void | Promise<void>;
  /** Stop paging back at this time (ms since epoch) and answer with what is held. */
  deadline?: number;
}

export interface EnsureResult extends Coverage {
  /** Every record from the wanted start to now is held. */
  complete: boolean;
  /** Requests sent to OKX. */
  requests: number;
}

const maxTs = (records: readonly { ts: string }[]) => records.reduce((max, record) => Math.max(max, Number(record.ts)), -Infinity);
const minTs = (records: readonly { ts: string }[]) => records.reduce((min, record) => Math.min(min, Number(record.ts)), Infinity);

/**
 * Keeps an account's cached history complete from a start time up to now, asking OKX only for what the
 * cache lacks: first what is newer than the newest record held (one request when nothing is new), then
 * older pages back to the start, saving coverage after each page so an interrupted walk resumes.
 */
export class HistorySync {
  constructor(
    private readonly okx: OkxClient,
    private readonly cache: InterestCache,
    private readonly now: () => number = Date.now,
  ) {}

  async ensure(uid: string, credentials: OkxCredentials, since: number, options: EnsureOptions): Promise<EnsureResult> {
    const now = this.now();
    const target = Math.max(since, now - HISTORY_DEPTH_MS);
    const request = { account: uid, priority: options.priority, now: () => now };
    let requests = 0;
    const held = await this.cache.coverage(uid);
    let coverage: Coverage = held ?? { oldest: now, newest: target };

    if (held !== undefined) {
      for await (const page of interestHistory(this.okx, credentials, { ...request, since: held.newest, onPage: () => requests++ })) {
        await this.cache.add(uid, page);
        coverage = { ...coverage, newest: Math.max(coverage.newest, maxTs(page)) };
      }
      await this.cache.setCoverage(uid, coverage);
    }

    let pages = 0;
    if (coverage.oldest > target) {
      const walk = interestHistory(this.okx, credentials, {
        ...request,
        since: target,
        // The oldest hour held may be incomplete (a page may have ended inside it): take it again.
        until: held === undefined ? undefined : coverage.oldest + 1,
        onPage: () => requests++,
      });
      for await (const page of walk) {
        await this.cache.add(uid, page);
        pages++;
        coverage = { oldest: Math.min(coverage.oldest, minTs(page)), newest: Math.max(coverage.newest, maxTs(page)) };
        await this.cache.setCoverage(uid, coverage);
        await options.onProgress?.({ coveredFrom: coverage.oldest, target, pages });
        if (options.deadline !== undefined && this.now() > options.deadline) {
          return { ...coverage, complete: false, requests };
        }
      }
      coverage = { ...coverage, oldest: target };
      await this.cache.setCoverage(uid, coverage);
      await this.cache.trim(uid, now - HISTORY_DEPTH_MS);
    }
    return { ...coverage, complete: true, requests };
  }
}
