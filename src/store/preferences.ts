import type { Redis } from "ioredis";
import { decodeView, encodeView, type InterestView } from "../domain/view.js";

/** Each user's settings, in a hash `<prefix>prefs:<telegram user id>`. */
export class PreferenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}prefs:${userId}`;
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
    return (saved === null ? undefined : decodeView(saved)?.view) ?? { period: "7d" };
  }

  async setDefaultView(userId: number, view: InterestView): Promise<void> {
    await this.redis.hset(this.key(userId), "view", encodeView("iv", view));
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
    return (await this.redis.hget(this.key(userId), "timeZone")) ?? "UTC";
  }
}
