import "dotenv/config";
import { run } from "@grammyjs/runner";
import { Redis } from "ioredis";
import { createBot } from "./bot/bot.js";
import { registerCommands } from "./bot/commands.js";
import { createI18n } from "./bot/i18n.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { OkxClient } from "./okx/client.js";
import { createAccountLimiter } from "./okx/limiter.js";
import { startHttpServer } from "./server/http.js";
import { createMetrics } from "./server/metrics.js";
import { CredentialStore } from "./store/credentials.js";
import { forgetUser } from "./services/forget.js";
import { HistorySync } from "./services/history.js";
import { InterestService } from "./services/interest.js";
import { InterestCache } from "./store/interest-cache.js";
import { PreferenceStore } from "./store/preferences.js";
import { Vault } from "./store/vault.js";

/** The composition root: builds every part from the configuration, starts them, and stops them in reverse. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const vault = new Vault(config.masterKeys);
  // Fail a command quickly while Redis is down or stalled, so the person hears about it instead of waiting.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 3_000 });
  const scheduler = createAccountLimiter({
    redis,
    prefix: config.redisPrefix,
    onError: (error) => logger.warn({ err: error }, "limiter problem"),
  });
  const metrics = createMetrics(() => scheduler.queued());
  redis.on("error", (error) => {
    metrics.redisError();
    logger.warn({ err: error }, "redis connection problem");
  });
  const okx = new OkxClient({ urls: config.okxUrls, scheduler, timeoutMs: config.okxTimeoutMs, onAnswer: metrics.okxAnswered });
  const credentials = new CredentialStore(redis, vault, config.redisPrefix);
  const preferences = new PreferenceStore(redis, config.redisPrefix);
  const cache = new InterestCache(redis, config.redisPrefix);
  const interest = new InterestService({ credentials, cache, sync: new HistorySync(okx, cache) });
  const bot = createBot({
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    redis,
    prefix: config.redisPrefix,
    vault,
    okx,
    credentials,
    preferences,
    interest,
    historyBudgetMs: config.historyBudgetMs,
    forget: forgetUser(credentials, cache),
    logger,
    onUpdate: metrics.updateHandled,
  });

  await bot.init();
  await registerCommands(bot.api, createI18n(preferences));
  const http = await startHttpServer(config.httpPort, {
    registry: metrics.registry,
    readiness: { redis: () => redis.ping(), telegram: () => bot.api.getMe() },
  });
  logger.info({ port: http.port }, "http listening: /healthz /readyz /metrics");
  const runner = run(bot);
  logger.info({ username: bot.botInfo.username }, "bot started (long polling)");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "stopping");
    if (runner.isRunning()) await runner.stop();
    await http.close();
    await scheduler.close();
    await redis.quit();
    logger.info("stopped");
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
