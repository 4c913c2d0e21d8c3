import type { PendingAlert } from "../domain/alerts.js";
import { deleteMatching, globLiteral, slotTag, type RedisClient } from "./redis.js";

/** An account whose alerts were not evaluated for this long (gone from the person's accounts) forgets them. */
const STATE_TTL_MS = 30 * 24 * 3600_000;

/**
 * KEYS: the account's state, the person's outbox. ARGV: the hour, the watches above their level (JSON),
 * then alert id / alert pairs. An hour is taken once: a second run of it (another replica, a retry, a
 * run taken over) finds it evaluated and adds nothing, so the state and the alerts it decided go
 * together or not at all.
 */
const COMMIT = `
if tonumber(redis.call('HGET', KEYS[1], 'hour') or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'hour', ARGV[1], 'above', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
for index = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[index], ARGV[index + 1]) end
return 1
`;

/** Where an account's alerts of one person stand. */
export interface AccountAlertState {
  /** The newest hour evaluated, ms (0: never). */
  hour: number;
  /** The watches at or above their level at that hour. */
  above: Set<string>;
}

/**
 * The alerts' state per person, under the person's hash tag (one cluster slot, so an hour's evaluation is
 * one script):
 * - `<prefix>alerts:state:<user>:<uid>`, a hash: the newest hour evaluated and the watches above their level;
 * - `<prefix>alerts:outbox:<user>`, a hash of the alerts decided and not yet sent (JSON), by alert id;
 * - `<prefix>alerts:sent:<user>:<name>`, each alert's once-only send mark (`SendMarks`).
 */
export class AlertState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private tag(userId: number): string {
    return slotTag(this.redis, String(userId));
  }

  private stateKey(userId: number, uid: string): string {
    return `${this.prefix}alerts:state:${this.tag(userId)}:${uid}`;
  }

  private outboxKey(userId: number): string {
    return `${this.prefix}alerts:outbox:${this.tag(userId)}`;
  }

  /** The name of a message's send mark, for `SendMarks` (under the same prefix). */
  markName(userId: number, name: string): string {
    return `alerts:sent:${this.tag(userId)}:${name}`;
  }

  async account(userId: number, uid: string): Promise<AccountAlertState> {
    const [hour, above] = await this.redis.hmget(this.stateKey(userId, uid), "hour", "above");
    return { hour: Number(hour ?? 0), above: new Set(above == null ? [] : (JSON.parse(above) as string[])) };
  }

  /** Records an hour's evaluation and the alerts it decided; false, writing nothing, if the hour was evaluated already. */
  async commit(userId: number, uid: string, hour: number, above: readonly string[], alerts: readonly PendingAlert[]): Promise<boolean> {
    const pairs = alerts.flatMap((alert) => [alert.id, JSON.stringify(alert)]);
    const keys = [this.stateKey(userId, uid), this.outboxKey(userId)];
    return (await this.redis.eval(COMMIT, 2, ...keys, hour, JSON.stringify(above), STATE_TTL_MS, ...pairs)) === 1;
  }

  /** The person's alerts not yet sent, oldest hour first. */
  async pending(userId: number): Promise<PendingAlert[]> {
    const all = Object.values(await this.redis.hgetall(this.outboxKey(userId))).map((json) => JSON.parse(json) as PendingAlert);
    return all.sort((a, b) => a.hour - b.hour || a.id.localeCompare(b.id));
  }

  /** The alerts are sent (or given up on): out of the outbox. */
  async done(userId: number, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(this.outboxKey(userId), ...ids);
  }

  /** Erases the person's alert state of one account and its alerts not yet sent (the account was removed). */
  async forgetAccount(userId: number, uid: string): Promise<void> {
    await this.redis.del(this.stateKey(userId, uid));
    await this.done(
      userId,
      (await this.pending(userId)).filter((alert) => alert.uid === uid).map((alert) => alert.id),
    );
  }

  /** Erases the person's alert state of every account, their outbox and their send marks. */
  async forget(userId: number): Promise<void> {
    const tag = globLiteral(this.tag(userId));
    await Promise.all([
      deleteMatching(this.redis, `${globLiteral(this.prefix)}alerts:state:${tag}:*`),
      deleteMatching(this.redis, `${globLiteral(this.prefix)}alerts:sent:${tag}:*`),
      this.redis.del(this.outboxKey(userId)),
    ]);
  }
}
