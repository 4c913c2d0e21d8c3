import { scanKeys, type RedisClient } from "./redis.js";
import { DEFAULT_DIGEST, type DigestSettings } from "../domain/digest.js";
import { pagedView, viewFields, type InterestView } from "../domain/view.js";

/** Currencies a digest may be limited to; more is none of the picker's doing. */
export const MAX_DIGEST_CURRENCIES = 20;
const CURRENCY = /^[A-Z0-9]{1,12}$/;
/** What the digest settings wait for the user to type, and for how long. */
export type DigestAwaiting = "time" | "zone";
const AWAITING_MS = 10 * 60_000;

/** The digest's currencies as stored: well-formed, each once, at most `MAX_DIGEST_CURRENCIES`. */
const digestCurrencies = (currencies: readonly string[]) =>
  [...new Set(currencies.filter((ccy) => CURRENCY.test(ccy)))].slice(0, MAX_DIGEST_CURRENCIES);

/** Each user's settings, in a hash `<prefix>prefs:<telegram user id>`. */
export class PreferenceStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}prefs:${userId}`;
  }

  /** Every user who has settings. */
  async *users(): AsyncGenerator<number> {
    const start = `${this.prefix}prefs:`.length;
    for await (const key of scanKeys(this.redis, `${this.prefix}prefs:*`)) {
      const userId = Number(key.slice(start));
      if (Number.isSafeInteger(userId)) yield userId;
    }
  }

  async language(userId: number): Promise<string | undefined> {
    return (await this.redis.hget(this.key(userId), "language")) ?? undefined;
  }

  async setLanguage(userId: number, language: string): Promise<void> {
    await this.redis.hset(this.key(userId), "language", language);
  }

  /** The view `/interest` starts from: the user's saved filters, or the last 7 days of everything. */
  async defaultView(userId: number): Promise<InterestView> {
    const saved = await this.redis.hget(this.key(userId), "view");
    const read = saved === null ? undefined : pagedView.safeParse(saved.split(":").slice(1));
    return read?.success === true ? read.data.view : { period: "7d" };
  }

  async setDefaultView(userId: number, view: InterestView): Promise<void> {
    // Stored as a summary button's data once was (`iv:7d:USDT:-:-`), so settings saved then still read.
    await this.redis.hset(this.key(userId), "view", ["iv", ...viewFields({ view })].join(":"));
  }

  /** Hourly records shown per page (OKX's `limit`, 1 to 100). */
  async pageSize(userId: number): Promise<number> {
    const saved = Number(await this.redis.hget(this.key(userId), "pageSize"));
    return Number.isInteger(saved) && saved >= 1 && saved <= 100 ? saved : 12;
  }

  async setPageSize(userId: number, size: number): Promise<void> {
    await this.redis.hset(this.key(userId), "pageSize", String(size));
  }

  /** The user's IANA time zone; UTC until they choose one. */
  async timeZone(userId: number): Promise<string> {
    return (await this.savedTimeZone(userId)) ?? "UTC";
  }

  async savedTimeZone(userId: number): Promise<string | undefined> {
    return (await this.redis.hget(this.key(userId), "timeZone")) ?? undefined;
  }

  async setTimeZone(userId: number, zone: string): Promise<void> {
    await this.redis.hset(this.key(userId), "timeZone", zone);
  }

  /** The daily digest: off at 09:00 for every currency until the user asks for it. */
  async digest(userId: number): Promise<DigestSettings> {
    const saved = await this.redis.hget(this.key(userId), "digest");
    if (saved === null) return { ...DEFAULT_DIGEST };
    const [on, time = "", currencies = "", locale = DEFAULT_DIGEST.locale, accounts = ""] = saved.split("|");
    const [hour, minute] = time.split(":").map(Number);
    const valid = (value: number | undefined, below: number) => value !== undefined && Number.isInteger(value) && value >= 0 && value < below;
    return {
      on: on === "1",
      hour: valid(hour, 24) ? hour! : DEFAULT_DIGEST.hour,
      minute: valid(minute, 60) ? minute! : DEFAULT_DIGEST.minute,
      currencies: digestCurrencies(currencies.split(",")),
      accounts: accounts.split(",").filter((uid) => /^[0-9A-Za-z]{1,32}$/.test(uid)),
      locale,
    };
  }

  async setDigest(userId: number, settings: DigestSettings): Promise<void> {
    const time = `${settings.hour}:${settings.minute}`;
    await this.redis.hset(
      this.key(userId),
      "digest",
      // The accounts only when chosen: the settings of a person with every account read as they always have.
      [
        settings.on ? "1" : "0",
        time,
        digestCurrencies(settings.currencies).join(","),
        settings.locale,
        ...(settings.accounts.length > 0 ? [settings.accounts.join(",")] : []),
      ].join("|"),
    );
  }

  /** What the digest settings wait for the user to type (a time, a zone), for ten minutes after asking. */
  async digestAwaiting(userId: number, now = Date.now()): Promise<DigestAwaiting | undefined> {
    const [what, until] = ((await this.redis.hget(this.key(userId), "digestAwaiting")) ?? "").split("|");
    return (what === "time" || what === "zone") && Number(until) > now ? what : undefined;
  }

  /** Waits for the user to type a time or a zone, or (undefined) for nothing. */
  async setDigestAwaiting(userId: number, what: DigestAwaiting | undefined, now = Date.now()): Promise<void> {
    if (what === undefined) await this.redis.hdel(this.key(userId), "digestAwaiting");
    else await this.redis.hset(this.key(userId), "digestAwaiting", `${what}|${now + AWAITING_MS}`);
  }

  /** Erases every setting of the user: language, zone, default view, page size and digest. */
  async forget(userId: number): Promise<void> {
    await this.redis.del(this.key(userId));
  }
}
