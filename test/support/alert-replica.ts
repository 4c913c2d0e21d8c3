/**
 * One bot replica's alert side, as a separate process: its own Redis connections, OKX limiter, walk,
 * BullMQ worker and send pace, built as `src/main.ts` builds them (through `alertHarness`), against the
 * fakes. Used by `bench:alerts`, which starts two.
 *
 * Input: a JSON `DigestReplicaJob` as the first argument. Output: `ready` on stdout once the worker runs;
 * SIGTERM closes it as the bot does.
 */
import { Redis } from "ioredis";
import { telegramTransformers } from "../../src/bot/telegram-api.js";
import { startAlertWorker } from "../../src/alerts/worker.js";
import { createLogger } from "../../src/log.js";
import { alertHarness } from "./alert-harness.js";
import type { DigestReplicaJob } from "./digest-replica.js";

const job = JSON.parse(process.argv[2] ?? "{}") as DigestReplicaJob;
const redis = new Redis(job.redisUrl);
const harness = alertHarness({
  redis,
  prefix: job.prefix,
  okxUrls: job.okxUrls,
  telegram: job.telegram,
  masterKey: job.masterKey,
  perSecond: job.perSecond,
  logger: createLogger("warn"),
  // The bot's own retries and Telegram throttle, as on `bot.api`.
  transformers: telegramTransformers(30),
});
const worker = startAlertWorker({ ...harness.alerts, connection: harness.connection, prefix: harness.bullPrefix, concurrency: job.concurrency });
await worker.waitUntilReady();
process.stdout.write("ready\n");

process.on("SIGTERM", () => {
  void (async () => {
    await worker.close();
    await harness.close();
    await redis.quit();
    process.exit(0);
  })();
});
