import type { Span } from "../../src/domain/coverage.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import type { InterestCache } from "../../src/store/interest-cache.js";

/** Puts records into an account's cache as a walk would, under the account's lease, claiming `span` as held. */
export async function fillCache(
  cache: InterestCache,
  uid: string,
  records: readonly InterestRecord[],
  span: Span = { from: 1, to: 0 },
): Promise<void> {
  const lease = { token: `fill-${uid}`, leaseMs: 60_000 };
  if (!(await cache.takeLease(uid, lease.token, lease.leaseMs))) throw new Error(`a walk holds account ${uid}`);
  try {
    for (let index = 0; index === 0 || index < records.length; index += 5_000) {
      if (!(await cache.savePage(uid, lease, records.slice(index, index + 5_000), span))) throw new Error("lease lost while filling the cache");
    }
  } finally {
    await cache.releaseLease(uid, lease.token);
  }
}
