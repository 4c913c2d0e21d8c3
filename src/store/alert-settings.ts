import { z } from "zod";
import { ALERT_KINDS, MAX_ALERT_RULES, NO_ALERTS, ruleId, type AlertKind, type AlertSettings } from "../domain/alerts.js";
import type { RedisClient } from "./redis.js";

const clock = z.object({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) });
const settingsSchema = z.object({
  rules: z
    .array(
      z.object({
        kind: z.enum(ALERT_KINDS),
        ccy: z
          .string()
          .regex(/^[A-Z0-9]{1,12}$/)
          .optional(),
        level: z.string().regex(/^\d+(\.\d+)?$/),
      }),
    )
    .max(MAX_ALERT_RULES),
  quiet: z.object({ from: clock, to: clock }).optional(),
  locale: z.string().max(16),
});

/** What the alert settings wait for the person to type: a rule's level, or quiet hours. */
export type AlertAwaiting = { kind: AlertKind; ccy?: string } | "quiet";
const AWAITING_MS = 10 * 60_000;

/**
 * Each person's alert settings, in `<prefix>alerts:settings:<telegram user id>` (JSON: the rules, quiet
 * hours, the language), with the people who have any rule in the set `<prefix>alerts:users` (what the
 * hourly check walks), the snoozes in the hash `<prefix>alerts:snooze:<user>` (account and watch → until,
 * ms) and what the settings wait for in `<prefix>alerts:awaiting:<user>`.
 */
export class AlertSettingsStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(part: "settings" | "snooze" | "awaiting", userId: number): string {
    return `${this.prefix}alerts:${part}:${userId}`;
  }

  private get usersKey(): string {
    return `${this.prefix}alerts:users`;
  }

  /** The person's settings; none set (or unreadable): no alerts. */
  async get(userId: number): Promise<AlertSettings> {
    const stored = await this.redis.get(this.key("settings", userId));
    if (stored === null) return NO_ALERTS;
    const read = settingsSchema.safeParse(JSON.parse(stored));
    return read.success ? read.data : NO_ALERTS;
  }

  /** Saves the settings; a rule of the same kind and currency as an earlier one replaces it. */
  async set(userId: number, settings: AlertSettings): Promise<AlertSettings> {
    const rules = [...new Map(settings.rules.map((rule) => [ruleId(rule), rule])).values()].slice(0, MAX_ALERT_RULES);
    const saved = { ...settings, rules };
    // Two slots in a cluster: the set is written second, so a check never finds someone without settings.
    await this.redis.set(this.key("settings", userId), JSON.stringify(saved));
    if (rules.length > 0) await this.redis.sadd(this.usersKey, String(userId));
    else await this.redis.srem(this.usersKey, String(userId));
    return saved;
  }

  /** Every person with a rule, in batches. */
  async *users(): AsyncGenerator<number[]> {
    for (let cursor = "0"; ;) {
      const [next, members] = await this.redis.sscan(this.usersKey, cursor, "COUNT", 1000);
      const users = members.map(Number).filter((userId) => Number.isSafeInteger(userId));
      if (users.length > 0) yield users;
      if (next === "0") return;
      cursor = next;
    }
  }

  /** Holds the alerts of one watch (a rule on a line) of one account until `until`. */
  async snooze(userId: number, uid: string, watch: string, until: number): Promise<void> {
    await this.redis.hset(this.key("snooze", userId), `${uid}@${watch}`, String(until));
  }

  /** Erases the snoozes of one of the person's accounts (the account was removed). */
  async forgetAccount(userId: number, uid: string): Promise<void> {
    const ofAccount = Object.keys(await this.redis.hgetall(this.key("snooze", userId))).filter((field) => field.startsWith(`${uid}@`));
    if (ofAccount.length > 0) await this.redis.hdel(this.key("snooze", userId), ...ofAccount);
  }

  /** The account's watches snoozed at `now` (expired snoozes are dropped). */
  async snoozed(userId: number, uid: string, now: number): Promise<Set<string>> {
    const all = await this.redis.hgetall(this.key("snooze", userId));
    const snoozed = new Set<string>();
    const expired: string[] = [];
    for (const [field, until] of Object.entries(all)) {
      if (Number(until) <= now) expired.push(field);
      else if (field.startsWith(`${uid}@`)) snoozed.add(field.slice(uid.length + 1));
    }
    if (expired.length > 0) await this.redis.hdel(this.key("snooze", userId), ...expired);
    return snoozed;
  }

  async awaiting(userId: number): Promise<AlertAwaiting | undefined> {
    const stored = await this.redis.get(this.key("awaiting", userId));
    if (stored === null) return undefined;
    if (stored === "quiet") return "quiet";
    const [kind, ccy] = stored.split(":");
    if (!ALERT_KINDS.includes(kind as AlertKind)) return undefined;
    return { kind: kind as AlertKind, ...(ccy === undefined || ccy === "*" ? {} : { ccy }) };
  }

  /** Waits (ten minutes) for the person to type what `what` needs, or (undefined) for nothing. */
  async setAwaiting(userId: number, what: AlertAwaiting | undefined): Promise<void> {
    if (what === undefined) await this.redis.del(this.key("awaiting", userId));
    else await this.redis.set(this.key("awaiting", userId), what === "quiet" ? "quiet" : ruleId(what), "PX", AWAITING_MS);
  }

  /** Erases the person's settings, snoozes and place among those checked. */
  async forget(userId: number): Promise<void> {
    // One key a command: in a cluster the three lie in different slots.
    await Promise.all([
      ...(["settings", "snooze", "awaiting"] as const).map((part) => this.redis.del(this.key(part, userId))),
      this.redis.srem(this.usersKey, String(userId)),
    ]);
  }
}
