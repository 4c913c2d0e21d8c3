import { addSpan, keptSpans, type Span } from "../domain/coverage.js";
import { recordIdentity, type InterestRecord } from "../domain/interest-record.js";
import { inTimeOrder, mergeBlock, monthBounds, nextMonth, RecordBlock, type BorrowingLine, type StoredBlock } from "../domain/record-block.js";
import { DecodedBlocks } from "./decoded-blocks.js";
import { slotTag, type RedisClient } from "./redis.js";

/** Where an account's history stands: what is held, how fresh, and how the last walk ended. */
export interface HistoryState {
  /** Stretches held completely, newest first. */
  spans: Span[];
  /** When the newest records were last asked for, ms (0: never). */
  refreshedAt: number;
  /** The freshness someone is waiting for, ms: a walk asks for the newest records again if it is later than `refreshedAt`. */
  wantedAt: number;
  /** Pages the account's walks have saved. */
  pages: number;
  /** Why the last walk stopped, if OKX refused it. */
  failure?: WalkFailure;
}

export interface WalkFailure {
  code: string;
  category: string;
  message: string;
  at: number;
}

/** Writes for a walk holding the account's lease: refused once the lease is gone (lapsed, taken over, or cleared). */
export interface LeasedWrite {
  token: string;
  /** Renews the lease for this long. */
  leaseMs: number;
}

const LEASE_TAKE = `if redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then redis.call("hdel", KEYS[2], "failure") return 1 end return 0`;
const LEASE_RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
/**
 * KEYS: lease, blocks, state. ARGV: token, lease ms, the number of state fields, state field/value pairs,
 * then block field/value pairs (an empty value removes the block). One script: the lease check, the
 * records and the coverage that claims them go together or not at all.
 */
const LEASED_WRITE = `
if redis.call("get", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("pexpire", KEYS[1], ARGV[2])
local index = 4
for _ = 1, tonumber(ARGV[3]) do
  redis.call("hset", KEYS[3], ARGV[index], ARGV[index + 1])
  index = index + 2
end
while index <= #ARGV do
  if ARGV[index + 1] == "" then redis.call("hdel", KEYS[2], ARGV[index]) else redis.call("hset", KEYS[2], ARGV[index], ARGV[index + 1]) end
  index = index + 2
end
return 1`;

const MIGRATION_BATCH = 5_000;

/** A month of one line: `2026-11|2|USDT|cross|`. */
interface BlockName {
  field: string;
  month: number;
  line: BorrowingLine;
}

function monthStart(ts: number): number {
  const date = new Date(ts);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function blockField(month: number, line: BorrowingLine): string {
  return `${new Date(month).toISOString().slice(0, 7)}|${line.type}|${line.ccy}|${line.mgnMode}|${line.instId}`;
}

function parseField(field: string): BlockName {
  const [month = "", type = "", ccy = "", mgnMode = "", instId = ""] = field.split("|");
  return { field, month: Date.parse(`${month}-01T00:00:00Z`), line: { type, ccy, mgnMode, instId } };
}

export type AccountLine = Pick<BorrowingLine, "ccy" | "mgnMode" | "instId">;

function linesOf(names: readonly BlockName[]): AccountLine[] {
  const lines = new Map<string, AccountLine>();
  for (const { line } of names)
    lines.set(`${line.ccy}|${line.mgnMode}|${line.instId}`, { ccy: line.ccy, mgnMode: line.mgnMode, instId: line.instId });
  return [...lines.values()].sort((a, b) => a.ccy.localeCompare(b.ccy) || a.instId.localeCompare(b.instId));
}

const byLine = (a: BorrowingLine, b: BorrowingLine) =>
  a.ccy.localeCompare(b.ccy) || a.mgnMode.localeCompare(b.mgnMode) || a.instId.localeCompare(b.instId) || a.type.localeCompare(b.type);

/**
 * Each account's accruals in Redis, shared by every Telegram user of the account. Under one hash tag:
 * - `<prefix>rec:<uid>:blocks`, a hash of one binary block per borrowing line and UTC month
 *   (`src/domain/record-block.ts`: about 24 bytes a record, every decimal string exactly as OKX sent it);
 * - `<prefix>rec:<uid>:state`, what is held (spans), how fresh, and how the last walk ended;
 * - `<prefix>rec:<uid>:lease`, the walk that may write, one per account across every replica.
 * Written only under the lease, so a walk that lost it (or whose account was cleared) cannot write again.
 */
export class InterestCache {
  private readonly decoded = new DecodedBlocks();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(uid: string, part: "blocks" | "state" | "lease"): string {
    return `${this.prefix}rec:${slotTag(this.redis, uid)}:${part}`;
  }

  /** Keys of the layout before blocks (a sorted set of JSON records): moved by `migrate`. */
  private legacyKeys(uid: string): [records: string, cover: string, lines: string] {
    const records = `${this.prefix}rec:${slotTag(this.redis, uid)}`;
    return [records, `${records}:cover`, `${records}:lines`];
  }

  async state(uid: string): Promise<HistoryState> {
    const [spans, refreshed, wanted, pages, failure] = await this.redis.hmget(
      this.key(uid, "state"),
      "spans",
      "refreshed",
      "wanted",
      "pages",
      "failure",
    );
    return {
      spans: spans === null || spans === undefined ? [] : (JSON.parse(spans) as [number, number][]).map(([from, to]) => ({ from, to })),
      refreshedAt: Number(refreshed ?? 0),
      wantedAt: Number(wanted ?? 0),
      pages: Number(pages ?? 0),
      ...(failure === null || failure === undefined ? {} : { failure: JSON.parse(failure) as WalkFailure }),
    };
  }

  /** Asks the account's walk for records as fresh as `at`. */
  async want(uid: string, at: number): Promise<void> {
    await this.redis.hset(this.key(uid, "state"), "wanted", String(at));
  }

  /** Takes the account's lease if no walk holds it; a new walk forgets how the last one failed. */
  async takeLease(uid: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.eval(LEASE_TAKE, 2, this.key(uid, "lease"), this.key(uid, "state"), token, leaseMs)) === 1;
  }

  async releaseLease(uid: string, token: string): Promise<void> {
    await this.redis.eval(LEASE_RELEASE, 1, this.key(uid, "lease"), token);
  }

  private async leased(uid: string, lease: LeasedWrite, state: Record<string, string>, blocks: [string, Buffer | ""][]): Promise<boolean> {
    const stateArgs = Object.entries(state).flat();
    const blockArgs = blocks.flat();
    const keys = [this.key(uid, "lease"), this.key(uid, "blocks"), this.key(uid, "state")];
    return (await this.redis.eval(LEASED_WRITE, 3, ...keys, lease.token, lease.leaseMs, stateArgs.length / 2, ...stateArgs, ...blockArgs)) === 1;
  }

  /**
   * Saves a page of records with the span it proves complete, under the lease. A record held already (the
   * same time and line) is replaced, so one sent again, or written differently, never counts twice.
   * Returns false, writing nothing, when the lease is no longer this walk's.
   */
  async savePage(uid: string, lease: LeasedWrite, records: readonly InterestRecord[], span: Span, refreshedAt?: number): Promise<boolean> {
    const groups = new Map<string, { name: BlockName; records: Map<number, InterestRecord> }>();
    for (const record of records) {
      const month = monthStart(Number(record.ts));
      const field = blockField(month, record);
      let group = groups.get(field);
      if (group === undefined) groups.set(field, (group = { name: parseField(field), records: new Map() }));
      group.records.set(Number(record.ts), record);
    }
    const fields = [...groups.keys()];
    const [held, { spans, pages }] = await Promise.all([
      fields.length === 0 ? [] : this.redis.hmgetBuffer(this.key(uid, "blocks"), ...fields),
      this.state(uid),
    ]);
    const blocks: [string, Buffer][] = fields.map((field, index) => {
      const { name, records: fresh } = groups.get(field)!;
      const stored = held[index];
      const sorted = [...fresh.values()].sort((a, b) => Number(a.ts) - Number(b.ts));
      return [field, Buffer.from(mergeBlock(name.month, stored ? new RecordBlock(name.line, name.month, stored) : undefined, sorted))];
    });
    const state: Record<string, string> = { spans: JSON.stringify(addSpan(spans, span).map(({ from, to }) => [from, to])), pages: String(pages + 1) };
    if (refreshedAt !== undefined) state.refreshed = String(refreshedAt);
    return this.leased(uid, lease, state, blocks);
  }

  /** Records why the walk stopped, for those waiting on it, and lets the lease go. */
  async fail(uid: string, lease: LeasedWrite, failure: WalkFailure): Promise<void> {
    await this.leased(uid, lease, { failure: JSON.stringify(failure) }, []);
    await this.releaseLease(uid, lease.token);
  }

  /**
   * Drops the months that ended by `cutoff` (the keep horizon), under the lease, with what the spans claimed
   * of them: the month holding `cutoff` stays whole, and the spans then claim from its start. Writes
   * nothing when there is nothing to drop (true then too); false once the lease is no longer this walk's.
   */
  async trim(uid: string, lease: LeasedWrite, cutoff: number, spans: readonly Span[]): Promise<boolean> {
    const old = (await this.names(uid)).filter((name) => nextMonth(name.month) <= cutoff);
    const kept = keptSpans(spans, monthStart(cutoff));
    if (old.length === 0 && JSON.stringify(kept) === JSON.stringify(spans)) return true;
    const state = { spans: JSON.stringify(kept.map(({ from, to }) => [from, to])) };
    return this.leased(
      uid,
      lease,
      state,
      old.map((name): [string, ""] => [name.field, ""]),
    );
  }

  private async names(uid: string): Promise<BlockName[]> {
    return (await this.redis.hkeys(this.key(uid, "blocks"))).map(parseField);
  }

  /** The blocks of every line holding any time in `[from, to]`, in month and line order. */
  async blocks(uid: string, from: number, to: number): Promise<RecordBlock[]> {
    return this.read(uid, await this.names(uid), from, to);
  }

  /** The blocks among `names` holding any time in `[from, to]`, in month and line order. */
  private async read(uid: string, names: readonly BlockName[], from: number, to: number): Promise<RecordBlock[]> {
    const wanted = names.filter((name) => name.month <= to && nextMonth(name.month) > from);
    if (wanted.length === 0) return [];
    wanted.sort((a, b) => a.month - b.month || byLine(a.line, b.line));
    const key = this.key(uid, "blocks");
    const bytes = await this.redis.hmgetBuffer(key, ...wanted.map((name) => name.field));
    return wanted.flatMap((name, index) => {
      const stored = bytes[index];
      return stored ? [this.decoded.decode(`${key}|${name.field}`, name.line, name.month, stored)] : [];
    });
  }

  /** Every borrowing line the account has in the cache: currency, margin mode, instrument. */
  async lines(uid: string): Promise<AccountLine[]> {
    return linesOf(await this.names(uid));
  }

  /** The blocks of every line holding any time in `[from, to]`, and every line the account has: one read of the names. */
  async snapshot(uid: string, from: number, to: number): Promise<{ blocks: RecordBlock[]; lines: AccountLine[] }> {
    const names = await this.names(uid);
    return { blocks: await this.read(uid, names, from, to), lines: linesOf(names) };
  }

  /** Records with `from <= ts <= to`, oldest first. */
  async range(uid: string, from: number, to: number): Promise<InterestRecord[]> {
    return inTimeOrder(await this.blocks(uid, from, to), from, to);
  }

  /** Records with `from <= ts <= to`, oldest first, a month at a time, for exports too large to hold at once. */
  async *batches(uid: string, from: number, to: number): AsyncGenerator<InterestRecord[]> {
    const names = await this.names(uid);
    const months = [...new Set(names.map((name) => name.month))].filter((month) => month <= to && nextMonth(month) > from).sort((a, b) => a - b);
    for (const month of months) {
      const [first, last] = monthBounds(month, from, to);
      const records = inTimeOrder(await this.read(uid, names, first, last), first, last);
      if (records.length > 0) yield records;
    }
  }

  /**
   * The stored bytes of the blocks of every line holding any time in `[from, to]`, in month and line order,
   * not decoded: a large export decodes them in a worker thread (`monthBatches`).
   */
  async storedBlocks(uid: string, from: number, to: number): Promise<StoredBlock[]> {
    const wanted = (await this.names(uid)).filter((name) => name.month <= to && nextMonth(name.month) > from);
    if (wanted.length === 0) return [];
    wanted.sort((a, b) => a.month - b.month || byLine(a.line, b.line));
    const bytes = await this.redis.hmgetBuffer(this.key(uid, "blocks"), ...wanted.map((name) => name.field));
    return wanted.flatMap((name, index) => {
      const stored = bytes[index];
      return stored ? [{ line: name.line, month: name.month, bytes: stored }] : [];
    });
  }

  /**
   * Moves an account cached in the layout before blocks (a sorted set of JSON arrays, its coverage and its
   * lines) into blocks, under the lease, without asking OKX again: every record and the covered stretch
   * come along, then the old keys go. Returns how many records were moved (0: nothing to move).
   */
  async migrate(uid: string, lease: LeasedWrite): Promise<number> {
    const [recordsKey, coverKey, linesKey] = this.legacyKeys(uid);
    const [members, cover] = await Promise.all([this.redis.zrange(recordsKey, 0, -1), this.redis.hmget(coverKey, "oldest", "newest")]);
    const [oldest, newest] = cover;
    if (members.length === 0 && oldest === null) return 0;
    const fields = ["type", "ccy", "instId", "mgnMode", "interest", "interestRate", "liab", "totalLiab", "interestFreeLiab", "ts"] as const;
    const records = members.map((member) => {
      const values = JSON.parse(member) as string[];
      return Object.fromEntries(fields.map((field, index) => [field, values[index] ?? ""])) as unknown as InterestRecord;
    });
    // The old coverage held every record from `oldest` to the newest one, whose hour a refresh read again.
    const span = oldest === null || newest === null ? { from: 1, to: 0 } : { from: Number(oldest), to: Number(newest) - 1 };
    const unique = [...new Map(records.map((record) => [recordIdentity(record), record])).values()];
    // In time order (the sorted set's), a batch touches a month or two of blocks.
    const batches = Array.from({ length: Math.max(1, Math.ceil(unique.length / MIGRATION_BATCH)) }, (_, index) =>
      unique.slice(index * MIGRATION_BATCH, (index + 1) * MIGRATION_BATCH),
    );
    for (const batch of batches) if (!(await this.savePage(uid, lease, batch, span))) return 0;
    await this.redis.del(recordsKey, coverKey, linesKey);
    return unique.length;
  }

  /** Erases the account's history, and with its lease any walk still writing it. */
  async clear(uid: string): Promise<void> {
    await this.redis.del(this.key(uid, "blocks"), this.key(uid, "state"), this.key(uid, "lease"), ...this.legacyKeys(uid));
  }
}
