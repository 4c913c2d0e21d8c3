import "dotenv/config";
import { Redis } from "ioredis";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { OkxClient } from "./okx/client.js";
import { createAccountLimiter } from "./okx/limiter.js";
import { createBot } from "./bot/bot.js";

/** The composition root: builds every part from the configuration, starts them, and stops them in reverse. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const redis = new Redis(config.redisUrl);
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection problem"));
  const scheduler = createAccountLimiter({
    redis,
    prefix: config.redisPrefix,
    onError: (error) => logger.warn({ err: error }, "limiter problem"),
  });
  const okx = new OkxClient({ urls: config.okxUrls, scheduler, timeoutMs: config.okxTimeoutMs });
  const bot = createBot({ token: config.botToken, apiRoot: config.telegramApiRoot, okx, logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "stopping");
    await bot.stop();
    await scheduler.close();
    await redis.quit();
    logger.info("stopped");
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => process.exit(1));
  process.on("SIGTERM", () => process.exit(1));

  await bot.init();
  logger.info({ username: bot.botInfo.username }, "bot started (long polling)");
  await bot.start({ drop_pending_updates: false });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
