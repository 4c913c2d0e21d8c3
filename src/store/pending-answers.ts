import { randomBytes } from "node:crypto";
import { globLiteral, type RedisClient } from "./redis.js";

/** A message of the bot that says "Loading…" until its answer is in, and what it takes to finish it elsewhere. */
export interface PendingAnswer {
  chat: number;
  message: number;
  user: number;
  /** The callback data of a button that asks the same question again. */
  again: string;
  /** The language the message is in. */
  locale: string;
}

/** One entry as kept: `<owner>|<token>|<lease end, ms>|<the answer as JSON>`. */
const ENTRY = /^([^|]*)\|([^|]*)\|(\d+)\|(.*)$/s;

/** Ends the entry only if it is still the one registered with this token (a later answer may have replaced it). */
const FINISH = `
local entry = redis.call("hget", KEYS[1], ARGV[1])
if not entry then return 0 end
local _, _, owner, token = string.find(entry, "^([^|]*)|([^|]*)|")
if token ~= ARGV[2] then return 0 end
return redis.call("hdel", KEYS[1], ARGV[1])`;

/** Extends the leases of the entries this owner still holds. */
const RENEW = `
local renewed = 0
for i = 3, #ARGV do
  local entry = redis.call("hget", KEYS[1], ARGV[i])
  if entry then
    local _, _, owner, token, rest = string.find(entry, "^([^|]*)|([^|]*)|%d+|(.*)$")
    if owner == ARGV[1] then
      redis.call("hset", KEYS[1], ARGV[i], owner .. "|" .. token .. "|" .. ARGV[2] .. "|" .. rest)
      renewed = renewed + 1
    end
  end
end
return renewed`;

/** Takes over every entry whose lease ended before ARGV[2] (or, with ARGV[4] = "mine", those of this owner). */
const TAKE_OVER = `
local taken = {}
local all = redis.call("hgetall", KEYS[1])
for i = 1, #all, 2 do
  local _, _, owner, token, ends, rest = string.find(all[i + 1], "^([^|]*)|([^|]*)|(%d+)|(.*)$")
  if owner ~= nil and (tonumber(ends) < tonumber(ARGV[2]) or (ARGV[4] == "mine" and owner == ARGV[1])) then
    local entry = ARGV[1] .. "|" .. token .. "|" .. ARGV[3] .. "|" .. rest
    redis.call("hset", KEYS[1], all[i], entry)
    table.insert(taken, entry)
  end
end
return taken`;

export interface TakenAnswer extends PendingAnswer {
  token: string;
}

/**
 * The answers in progress, across every replica, so that none is left saying "Loading…" for good: each is
 * registered (chat, message, the question, the language) when its "Loading…" message is there and ends
 * when its last edit is done. Its replica holds a lease on it, renewed while it lives; an entry whose
 * lease lapsed (its replica was killed or crashed) is taken over by another replica, or by the next to
 * start. One hash, `<prefix>pending`, a field `<chat>:<message>` per entry.
 */
export class PendingAnswers {
  readonly owner = randomBytes(9).toString("base64url");
  /** The entries this replica registered and has not finished, by field, with their tokens. */
  private readonly held = new Map<string, string>();
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    readonly leaseMs: number = 30_000,
    private readonly now: () => number = Date.now,
  ) {
    this.key = `${prefix}pending`;
  }

  private static field(chat: number, message: number): string {
    return `${chat}:${message}`;
  }

  /** Registers an answer in progress; resolves with the token that ends it. A later one for the same message replaces it. */
  async register(answer: PendingAnswer): Promise<string> {
    const token = randomBytes(9).toString("base64url");
    const field = PendingAnswers.field(answer.chat, answer.message);
    this.held.set(field, token);
    const { chat, message, user, again, locale } = answer;
    await this.redis.hset(
      this.key,
      field,
      `${this.owner}|${token}|${this.now() + this.leaseMs}|${JSON.stringify({ chat, message, user, again, locale })}`,
    );
    return token;
  }

  /** The answer is in (or was told it was interrupted): its entry goes, unless a later answer replaced it. */
  async finish(chat: number, message: number, token: string): Promise<void> {
    const field = PendingAnswers.field(chat, message);
    if (this.held.get(field) === token) this.held.delete(field);
    await this.redis.eval(FINISH, 1, this.key, field, token);
  }

  /** Extends the leases of the entries this replica holds. */
  async renew(): Promise<void> {
    if (this.held.size === 0) return;
    await this.redis.eval(RENEW, 1, this.key, this.owner, this.now() + this.leaseMs, ...this.held.keys());
  }

  /**
   * Takes over the entries whose lease lapsed, for this replica to finish; with `mine`, those this replica
   * holds as well (it is stopping and will not finish them itself).
   */
  async takeOver(options: { mine?: boolean } = {}): Promise<TakenAnswer[]> {
    const now = this.now();
    const taken = (await this.redis.eval(
      TAKE_OVER,
      1,
      this.key,
      this.owner,
      now,
      now + this.leaseMs,
      options.mine === true ? "mine" : "",
    )) as string[];
    return taken.flatMap((entry) => {
      const parts = ENTRY.exec(entry);
      if (parts === null) return [];
      try {
        return [{ ...(JSON.parse(parts[4]!) as PendingAnswer), token: parts[2]! }];
      } catch {
        return [];
      }
    });
  }

  /** Erases the entries of a chat's messages (`/disconnect`). */
  async forget(chat: number): Promise<void> {
    const fields: string[] = [];
    for (let cursor = "0"; ;) {
      const [next, found] = await this.redis.hscan(this.key, cursor, "MATCH", `${globLiteral(String(chat))}:*`, "COUNT", 200);
      for (let i = 0; i < found.length; i += 2) fields.push(found[i]!);
      if (next === "0") break;
      cursor = next;
    }
    for (const field of fields) this.held.delete(field);
    if (fields.length > 0) await this.redis.hdel(this.key, ...fields);
  }
}
