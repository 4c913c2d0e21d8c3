import type { Redis } from "ioredis";

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

  /** The user's IANA time zone; UTC until they choose one. */
  async timeZone(userId: number): Promise<string> {
    return (await this.redis.hget(this.key(userId), "timeZone")) ?? "UTC";
  }
}
