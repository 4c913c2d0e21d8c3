import { createHmac } from "node:crypto";
import { z } from "zod";
import { DEFAULT_REGION_URLS, type RegionUrls } from "./okx/regions.js";
import { HISTORY_DEPTH_MS } from "./okx/interest-accrued.js";
import type { RedisSettings } from "./store/redis.js";
import type { MasterKey } from "./store/vault.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const httpUrl = z
  .string()
  .url("must be a URL such as https://example.com")
  .refine((value) => /^https?:\/\//.test(value), "must start with http:// or https://")
  .transform((value) => value.replace(/\/+$/, ""));

const masterKeys = z.string().transform((value, ctx): MasterKey[] => {
  const keys: MasterKey[] = [];
  for (const entry of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(entry);
    const key = match?.[2] === undefined ? undefined : Buffer.from(match[2], "base64");
    if (match?.[1] === undefined || key?.length !== 32) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${keys.length + 1} must be id:base64-of-32-random-bytes (make one with: openssl rand -base64 32)`,
      });
      return z.NEVER;
    }
    if (keys.some((known) => known.id === match[1])) {
      ctx.addIssue({ code: "custom", message: `key id "${match[1]}" appears twice` });
      return z.NEVER;
    }
    keys.push({ id: match[1], key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: "custom", message: "needs at least one key: id:base64-of-32-random-bytes" });
    return z.NEVER;
  }
  return keys;
});

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const userIds = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, "must be Telegram user IDs separated by commas, e.g. 12345,67890")
  .transform((value): ReadonlySet<number> => new Set(value.split(",").map((id) => Number(id.trim()))));

const hostPorts = (example: string) =>
  z
    .string()
    .regex(/^\s*[^\s,:]+:\d+(\s*,\s*[^\s,:]+:\d+)*\s*$/, `must be host:port pairs separated by commas, e.g. ${example}`)
    .transform((value) =>
      value.split(",").map((entry) => {
        const [host, port] = entry.trim().split(":");
        return { host: host!, port: Number(port) };
      }),
    );

/** The environment's settings, checked, and read into the shape the bot is built from. */
const configSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: "is missing: the token @BotFather gave you" })
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456789:AAH... (the token @BotFather gave you)"),
    TELEGRAM_API_ROOT: httpUrl.default("https://api.telegram.org"),
    OKX_BASE_URL: httpUrl.default(DEFAULT_REGION_URLS.global),
    OKX_EEA_BASE_URL: httpUrl.default(DEFAULT_REGION_URLS.eea),
    OKX_US_BASE_URL: httpUrl.default(DEFAULT_REGION_URLS.us),
    OKX_TIMEOUT_MS: positiveInt(10_000),
    HISTORY_BUDGET_MS: positiveInt(20_000),
    MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).max(36, "must be at most 36: an account's place in a button is one character").default(10),
    HISTORY_KEEP_DAYS: z.coerce
      .number()
      .int()
      .refine(
        (days) => days === 0 || days >= 365,
        "must be 0 (OKX's year only) or at least 365 days (OKX serves a year: fewer would be loaded again)",
      )
      .default(730),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .default("redis://127.0.0.1:6379"),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]*$/, "may hold letters, digits and _ : . - only")
      .default("okxi:"),
    ENCRYPTION_KEYS: z
      .string({ error: "is missing: a comma-separated list of id:base64-of-32-random-bytes (make one with: openssl rand -base64 32)" })
      .pipe(masterKeys),
    REDIS_SENTINELS: hostPorts("sentinel-1:26379,sentinel-2:26379").optional(),
    REDIS_SENTINEL_NAME: z.string().default("mymaster"),
    REDIS_CLUSTER_NODES: hostPorts("redis-1:6379,redis-2:6379").optional(),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    WEBHOOK_URL: httpUrl.optional(),
    WEBHOOK_REPLY_MS: z.coerce.number().int().min(0).max(5_000, "must be at most 5000: Telegram resends an update whose call is slow").default(250),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 letters, digits, _ or -")
      .optional(),
    ALLOWED_USER_IDS: userIds.optional(),
    TELEGRAM_MAX_PER_SECOND: z.coerce.number().int().min(0).default(30),
    FLOOD_LIMIT: positiveInt(20),
    FLOOD_WINDOW_MS: positiveInt(10_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    ANSWER_LEASE_MS: positiveInt(30_000),
    DIGEST_PER_SECOND: z.coerce.number().positive().max(30, "must be at most 30: Telegram's limit for a bot").default(29),
    DIGEST_CONCURRENCY: positiveInt(32),
    CHART_THREADS: positiveInt(2),
    CHART_QUEUE: z.coerce.number().int().min(0).default(16),
    EXPORT_THREADS: positiveInt(1),
    EXPORT_QUEUE: z.coerce.number().int().min(0).default(8),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  })
  .transform((settings, ctx) => {
    if (settings.REDIS_SENTINELS !== undefined && settings.REDIS_CLUSTER_NODES !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_CLUSTER_NODES"],
        message: "give it or REDIS_SENTINELS, not both (a cluster fails over by itself)",
      });
      return z.NEVER;
    }
    return {
      botToken: settings.BOT_TOKEN,
      telegramApiRoot: settings.TELEGRAM_API_ROOT,
      okxUrls: { global: settings.OKX_BASE_URL, eea: settings.OKX_EEA_BASE_URL, us: settings.OKX_US_BASE_URL } satisfies RegionUrls,
      okxTimeoutMs: settings.OKX_TIMEOUT_MS,
      /** How long a question may page back through history before answering with what is held. */
      historyBudgetMs: settings.HISTORY_BUDGET_MS,
      /** The most OKX accounts one person may connect. */
      maxAccountsPerUser: settings.MAX_ACCOUNTS_PER_USER,
      /** How far back the account's records are kept, ms: what OKX drops after its year stays (0 days: OKX's year only). */
      historyKeepMs: Math.max(settings.HISTORY_KEEP_DAYS * 86_400_000, HISTORY_DEPTH_MS),
      /** Where Redis is: its URL, or Sentinel, or a cluster (see `connectRedis`). */
      redis: {
        url: settings.REDIS_URL,
        sentinels: settings.REDIS_SENTINELS,
        sentinelName: settings.REDIS_SENTINEL_NAME,
        clusterNodes: settings.REDIS_CLUSTER_NODES,
      } satisfies RedisSettings,
      redisPrefix: settings.REDIS_PREFIX,
      masterKeys: settings.ENCRYPTION_KEYS,
      logLevel: settings.LOG_LEVEL,
      /** `/healthz`, `/readyz`, `/metrics` (and the webhook); 0 picks a free port. */
      httpPort: settings.HTTP_PORT,
      /**
       * Webhook mode when set (Telegram posts updates to this public URL); long polling otherwise.
       * `replyWaitMs`: how long the webhook's answer waits for a reply to carry (0: it answers at once).
       */
      webhook:
        settings.WEBHOOK_URL === undefined
          ? undefined
          : {
              url: settings.WEBHOOK_URL,
              path: new URL(settings.WEBHOOK_URL).pathname,
              secretToken: settings.WEBHOOK_SECRET ?? derivedWebhookSecret(settings.BOT_TOKEN),
              replyWaitMs: settings.WEBHOOK_REPLY_MS,
            },
      /** Only these Telegram users may use the bot; everyone when unset. */
      allowedUserIds: settings.ALLOWED_USER_IDS,
      /** Calls to chats a second from this process (an in-memory throttle, not shared by replicas); 0: no throttle. */
      telegramMaxPerSecond: settings.TELEGRAM_MAX_PER_SECOND,
      /** Updates one user may send in `windowMs` before the bot stops answering them for the rest of it. */
      flood: { limit: settings.FLOOD_LIMIT, windowMs: settings.FLOOD_WINDOW_MS },
      /** How long a stop waits for updates in flight. */
      shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
      /** An answer in progress whose replica has not renewed it for this long is taken over by another one. */
      answerLeaseMs: settings.ANSWER_LEASE_MS,
      /** Digests a second across every replica (the rest of Telegram's 30 is left for answers), and prepared at once per replica. */
      digest: { perSecond: settings.DIGEST_PER_SECOND, concurrency: settings.DIGEST_CONCURRENCY },
      /** Worker threads charts are drawn in, and the charts that may wait for one (one more is refused with a note to ask again). */
      charts: { threads: settings.CHART_THREADS, queue: settings.CHART_QUEUE },
      /** Worker threads CSV exports are built in, and the exports that may wait for one (one more is refused with a note to ask again). */
      exports: { threads: settings.EXPORT_THREADS, queue: settings.EXPORT_QUEUE },
    };
  });

export type Config = z.output<typeof configSchema>;

/** Every problem with the environment at once, one line each, without echoing any value. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
  }
}

/** The same on every replica without another setting to share, and says nothing of the token. */
function derivedWebhookSecret(botToken: string): string {
  return createHmac("sha256", botToken).update("telegram-webhook-secret").digest("base64url");
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const blankAsMissing = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = configSchema.safeParse(blankAsMissing);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return parsed.data;
}
