import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const KEY = Buffer.alloc(32, 7).toString("base64");
const valid = { BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", ENCRYPTION_KEYS: `k1:${KEY}` };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("fills production defaults", () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      telegramApiRoot: "https://api.telegram.org",
      okxUrls: { global: "https://www.okx.com", eea: "https://eea.okx.com", us: "https://us.okx.com" },
      redis: { url: "redis://127.0.0.1:6379" },
      redisPrefix: "okxi:",
      logLevel: "info",
    });
    expect(config.masterKeys).toEqual([{ id: "k1", key: Buffer.alloc(32, 7) }]);
  });

  it("keeps 730 days of history unless told otherwise, OKX's year with 0, and never less than OKX's year", () => {
    const DAY_MS = 86_400_000;
    expect(loadConfig(valid).historyKeepMs).toBe(730 * DAY_MS);
    expect(loadConfig({ ...valid, HISTORY_KEEP_DAYS: "0" }).historyKeepMs).toBe(365 * DAY_MS);
    expect(loadConfig({ ...valid, HISTORY_KEEP_DAYS: "1095" }).historyKeepMs).toBe(1095 * DAY_MS);
    for (const days of ["100", "-5", "2.5", "forever"]) {
      expect(problemsOf({ ...valid, HISTORY_KEEP_DAYS: days })).toEqual([expect.stringMatching(/^HISTORY_KEEP_DAYS: /)]);
    }
    expect(problemsOf({ ...valid, HISTORY_KEEP_DAYS: "100" })[0]).toMatch(/must be 0 \(OKX's year only\) or at least 365 days/);
  });

  it("reads every setting, trimming a trailing slash from URLs", () => {
    const config = loadConfig({
      ...valid,
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      OKX_BASE_URL: "http://127.0.0.1:9000",
      REDIS_URL: "redis://cache:6380/2",
      LOG_LEVEL: "debug",
      ENCRYPTION_KEYS: `new:${Buffer.alloc(32, 1).toString("base64")}, old:${KEY}`,
    });
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.okxUrls.global).toBe("http://127.0.0.1:9000");
    expect(config.masterKeys.map((key) => key.id)).toEqual(["new", "old"]);
  });

  it("lists every problem at once, in plain words", () => {
    const problems = problemsOf({ OKX_BASE_URL: "ftp://x", LOG_LEVEL: "loud", REDIS_URL: "localhost" });
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/BOT_TOKEN: is missing/);
    expect(problems.join("\n")).toMatch(/ENCRYPTION_KEYS: is missing/);
    expect(problems.join("\n")).toMatch(/OKX_BASE_URL: must start with http/);
    expect(problems.join("\n")).toMatch(/REDIS_URL: must start with redis/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL/);
  });

  it("refuses malformed master keys without echoing them", () => {
    const short = Buffer.alloc(16).toString("base64");
    for (const keys of [`k1:${short}`, "no-colon", `a:${KEY},a:${KEY}`, ","]) {
      const problems = problemsOf({ ...valid, ENCRYPTION_KEYS: keys });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ENCRYPTION_KEYS: /);
      expect(problems[0]).not.toContain(short);
    }
  });

  it("reads production settings: webhook, allow-list, limits, Sentinel", () => {
    const polling = loadConfig(valid);
    expect(polling.webhook).toBeUndefined();
    expect(polling.allowedUserIds).toBeUndefined();
    expect(polling).toMatchObject({ telegramMaxPerSecond: 30, flood: { limit: 20, windowMs: 10_000 }, shutdownTimeoutMs: 10_000 });

    const config = loadConfig({
      ...valid,
      WEBHOOK_URL: "https://bot.example.com/tg/updates",
      ALLOWED_USER_IDS: "12345, 67890",
      TELEGRAM_MAX_PER_SECOND: "0",
      REDIS_SENTINELS: "s1:26379, s2:26380",
      REDIS_SENTINEL_NAME: "okx",
    });
    expect(config.webhook).toMatchObject({ url: "https://bot.example.com/tg/updates", path: "/tg/updates" });
    expect(config.allowedUserIds).toEqual(new Set([12345, 67890]));
    expect(config.telegramMaxPerSecond).toBe(0);
    expect(config.redis.sentinels).toEqual([
      { host: "s1", port: 26379 },
      { host: "s2", port: 26380 },
    ]);
    expect(config.redis.sentinelName).toBe("okx");
  });

  it("derives the same webhook secret on every replica, unlike the token, unless one is given", () => {
    const secret = loadConfig({ ...valid, WEBHOOK_URL: "https://bot.example.com/hook" }).webhook!.secretToken;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).toBe(loadConfig({ ...valid, WEBHOOK_URL: "https://other.example.com/x" }).webhook!.secretToken);
    expect(valid.BOT_TOKEN).not.toContain(secret);
    expect(loadConfig({ ...valid, WEBHOOK_URL: "https://bot.example.com/hook", WEBHOOK_SECRET: "given_1" }).webhook!.secretToken).toBe("given_1");
  });

  it("waits 250 ms for a reply to carry in the webhook's answer unless told otherwise", () => {
    const hook = "https://bot.example.com/hook";
    expect(loadConfig({ ...valid, WEBHOOK_URL: hook }).webhook!.replyWaitMs).toBe(250);
    expect(loadConfig({ ...valid, WEBHOOK_URL: hook, WEBHOOK_REPLY_MS: "0" }).webhook!.replyWaitMs).toBe(0);
    expect(problemsOf({ ...valid, WEBHOOK_URL: hook, WEBHOOK_REPLY_MS: "60000" }).join("\n")).toMatch(/WEBHOOK_REPLY_MS: must be at most 5000/);
  });

  it("reads a Redis Cluster's nodes, and refuses them together with Sentinel", () => {
    const nodes = "r1:6379, r2:6380";
    expect(loadConfig({ ...valid, REDIS_CLUSTER_NODES: nodes }).redis.clusterNodes).toEqual([
      { host: "r1", port: 6379 },
      { host: "r2", port: 6380 },
    ]);
    expect(problemsOf({ ...valid, REDIS_CLUSTER_NODES: "r1" }).join("\n")).toMatch(/REDIS_CLUSTER_NODES: must be host:port pairs/);
    expect(problemsOf({ ...valid, REDIS_CLUSTER_NODES: nodes, REDIS_SENTINELS: "s1:26379" }).join("\n")).toMatch(
      /REDIS_CLUSTER_NODES: give it or REDIS_SENTINELS, not both/,
    );
  });

  it("words malformed production settings plainly", () => {
    const problems = problemsOf({
      ...valid,
      WEBHOOK_URL: "bot.example.com",
      WEBHOOK_SECRET: "has spaces",
      ALLOWED_USER_IDS: "alice,bob",
      REDIS_SENTINELS: "s1",
    }).join("\n");
    expect(problems).toMatch(/WEBHOOK_URL: must be a URL/);
    expect(problems).toMatch(/WEBHOOK_SECRET: must be 1-256 letters/);
    expect(problems).toMatch(/ALLOWED_USER_IDS: must be Telegram user IDs/);
    expect(problems).toMatch(/REDIS_SENTINELS: must be host:port pairs/);
  });

  it("reads the digest pace and concurrency, and refuses a pace over Telegram's limit", () => {
    expect(loadConfig(valid).digest).toEqual({ perSecond: 29, concurrency: 32 });
    expect(loadConfig({ ...valid, DIGEST_PER_SECOND: "12.5", DIGEST_CONCURRENCY: "4" }).digest).toEqual({ perSecond: 12.5, concurrency: 4 });
    const problems = problemsOf({ ...valid, DIGEST_PER_SECOND: "45", DIGEST_CONCURRENCY: "0" }).join("\n");
    expect(problems).toMatch(/DIGEST_PER_SECOND: must be at most 30: Telegram's limit for a bot/);
    expect(problems).toMatch(/DIGEST_CONCURRENCY:/);
  });

  it("reads the chart pool's threads and queue, two and sixteen unless told otherwise", () => {
    expect(loadConfig(valid).charts).toEqual({ threads: 2, queue: 16 });
    expect(loadConfig({ ...valid, CHART_THREADS: "4", CHART_QUEUE: "0" }).charts).toEqual({ threads: 4, queue: 0 });
    const problems = problemsOf({ ...valid, CHART_THREADS: "0", CHART_QUEUE: "-1" }).join("\n");
    expect(problems).toMatch(/CHART_THREADS:/);
    expect(problems).toMatch(/CHART_QUEUE:/);
  });

  it("treats an empty setting as missing", () => {
    expect(problemsOf({ ...valid, BOT_TOKEN: "" })).toEqual([expect.stringMatching(/^BOT_TOKEN: is missing/)]);
  });
});
