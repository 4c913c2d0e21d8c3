import { slotTag, type RedisClient } from "./redis.js";
import type { InterestRecord } from "../domain/interest-record.js";

/** Which stretch of an account's history the cache holds completely. */
export interface Coverage {
  /** Oldest time (ms) from which every record is held. */
  oldest: number;
  /** Newest record held (ms); a refresh asks OKX only from here on. */
  newest: number;
}

const FIELDS = ["type", "ccy", "instId", "mgnMode", "interest", "interestRate", "liab", "totalLiab", "interestFreeLiab", "ts"] as const;

/** A record as a compact JSON array in a fixed field order: equal records are equal members. */
function encode(record: InterestRecord): string {
  return JSON.stringify(FIELDS.map((field) => record[field]));
}

function decode(member: string): InterestRecord {
  const values = JSON.parse(member) as string[];
  const record = {} as Record<(typeof FIELDS)[number], string>;
  FIELDS.forEach((field, index) => (record[field] = values[index] ?? ""));
  return record;
}

/**
 * Each account's accruals in Redis: a sorted set `<prefix>rec:<uid>` scored by time (adding a record twice
 * keeps one), the covered stretch in `<prefix>rec:<uid>:cover` and the borrowing lines seen in
 * `<prefix>rec:<uid>:lines`. Shared by every user of the account.
 */
export class InterestCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  // An account's keys go together into one transaction or DEL: in a cluster they share a slot.
  private recordsKey(uid: string): string {
    return `${this.prefix}rec:${slotTag(this.redis, uid)}`;
  }

  private coverKey(uid: string): string {
    return `${this.recordsKey(uid)}:cover`;
  }

  private linesKey(uid: string): string {
    return `${this.recordsKey(uid)}:lines`;
  }

  async add(uid: string, records: readonly InterestRecord[]): Promise<void> {
    if (records.length === 0) return;
    const args: (string | number)[] = [];
    const lines = new Set<string>();
    for (const record of records) {
      args.push(Number(record.ts), encode(record));
      lines.add(JSON.stringify([record.ccy, record.mgnMode, record.instId]));
    }
    await this.redis.multi().zadd(this.recordsKey(uid), ...args).sadd(this.linesKey(uid), ...lines).exec();
  }

  /** Every borrowing line the account ever had in the cache: currency, margin mode, instrument. */
  async lines(uid: string): Promise<{ ccy: string; mgnMode: string; instId: string }[]> {
    const members = await this.redis.smembers(this.linesKey(uid));
    return members
      .map((member) => {
        const [ccy = "", mgnMode = "", instId = ""] = JSON.parse(member) as string[];
        return { ccy, mgnMode, instId };
      })
      .sort((a, b) => a.ccy.localeCompare(b.ccy) || a.instId.localeCompare(b.instId));
  }

  /** Records with `from <= ts <= to`, oldest first. */
  async range(uid: string, from: number, to: number): Promise<InterestRecord[]> {
    const members = await this.redis.zrangebyscore(this.recordsKey(uid), from, to);
    return members.map(decode);
  }

  /**
   * Records with `from <= ts <= to`, oldest first, `size` at a time, for exports too large to hold at once.
   * Each batch continues from the last time read, skipping the members of that time already given; the
   * next batch is asked for while the caller works on this one.
   */
  async *batches(uid: string, from: number, to: number, size = 5_000): AsyncGenerator<InterestRecord[]> {
    const read = (min: number, skip: number) => {
      const reply = this.redis.zrangebyscore(this.recordsKey(uid), min, to, "WITHSCORES", "LIMIT", skip, size);
      // Handled where it is awaited; this keeps a read left behind by a caller that stopped early from going unhandled.
      reply.catch(() => undefined);
      return { reply, min, skip };
    };
    for (let next = read(from, 0); ; ) {
      const reply = await next.reply;
      const records: InterestRecord[] = [];
      let lastScore = next.min;
      let atLastScore = next.skip;
      for (let index = 0; index < reply.length; index += 2) {
        records.push(decode(reply[index]!));
        const score = Number(reply[index + 1]);
        atLastScore = score === lastScore ? atLastScore + 1 : 1;
        lastScore = score;
      }
      const more = records.length === size;
      if (more) next = read(lastScore, atLastScore);
      if (records.length > 0) yield records;
      if (!more) return;
    }
  }

  async coverage(uid: string): Promise<Coverage | undefined> {
    const [oldest, newest] = await this.redis.hmget(this.coverKey(uid), "oldest", "newest");
    if (oldest === null || newest === null) return undefined;
    return { oldest: Number(oldest), newest: Number(newest) };
  }

  async setCoverage(uid: string, coverage: Coverage): Promise<void> {
    await this.redis.hset(this.coverKey(uid), { oldest: String(coverage.oldest), newest: String(coverage.newest) });
  }

  /** Drops records older than `before`, which OKX no longer serves either. */
  async trim(uid: string, before: number): Promise<void> {
    await this.redis.zremrangebyscore(this.recordsKey(uid), "-inf", `(${before}`);
  }

  async clear(uid: string): Promise<void> {
    await this.redis.del(this.recordsKey(uid), this.coverKey(uid), this.linesKey(uid));
  }
}
