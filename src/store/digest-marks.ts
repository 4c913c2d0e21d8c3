import { deleteMatching, globLiteral, type RedisClient } from "./redis.js";
import { SendMarks, type SendClaim, type SendState } from "./send-marks.js";

/** How far a user's digest of one day has got, across every replica. */
export type DayState = SendState;
export type DayClaim = SendClaim;

/**
 * Exactly-once bookkeeping for digests in `<prefix>digest:day:<user>:<local date>` (`SendMarks`: claim →
 * sending → sent) and the one notice about a key that stopped working in `<prefix>digest:key-notice:<user>`.
 */
export class DigestMarks {
  private readonly sends: SendMarks;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** How long a claim holds while a digest is prepared (history from OKX, rendering, waiting for a send slot). */
    claimMs = 60_000,
  ) {
    this.sends = new SendMarks(redis, prefix, claimMs);
  }

  /** Claims the user's digest of a local date for a job; a `DayState` when it is not this job's to send. */
  claim(userId: number, date: string, jobId: string): Promise<DayClaim | DayState> {
    return this.sends.claim(`digest:day:${userId}:${date}`, jobId);
  }

  /** True the first time after the key stopped working (or was never there): that run tells the user. */
  async firstKeyNotice(userId: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}digest:key-notice:${userId}`, "1", "NX")) === "OK";
  }

  /** The key works again: a later failure is news again. */
  async keyWorks(userId: number): Promise<void> {
    await this.redis.del(`${this.prefix}digest:key-notice:${userId}`);
  }

  /** Erases the user's day marks (any date) and the key notice; call once no digest of theirs is running. */
  async forget(userId: number): Promise<void> {
    await Promise.all([
      deleteMatching(this.redis, `${globLiteral(this.prefix)}digest:day:${userId}:*`),
      this.redis.del(`${this.prefix}digest:key-notice:${userId}`),
    ]);
  }
}
