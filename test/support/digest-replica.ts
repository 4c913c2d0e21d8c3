/**
 * One bot replica's digest side, as a separate process: its own Redis connections, OKX limiter, BullMQ
 * worker and send pace, built as `src/main.ts` builds them (through `digestHarness`), against the fakes.
 * Used by `bench:digest`, which starts two and may kill one.
 *
 * Input: a JSON `DigestReplicaJob` as the first argument. Output: `ready` on stdout once the worker runs;
 * SIGTERM closes it as the bot does.
 */
import { Redis } from "ioredis";
import { telegramTransformers } from "../../src/bot/telegram-api.js";
import { startDigestWorker } from "../../src/digest/worker.js";
import { createLogger } from "../../src/log.js";
import type { RegionUrls } from "../../src/okx/regions.js";
import { digestHarness } from "./digest-harness.js";

export interface DigestReplicaJob {
  redisUrl: string;
  prefix: string;
  okxUrls: RegionUrls;
  telegram: { token: string; apiRoot: string };
  masterKey: string;
  perSecond: number;
  concurrency: number;
}

const job = JSON.parse(process.argv[2] ?? "{}") as DigestReplicaJob;
const redis = new Redis(job.redisUrl);
const logger = createLogger("warn");
// The bot's own retries and Telegram throttle, as on `bot.api`.
const harness = digestHarness({
  redis,
  prefix: job.prefix,
  okxUrls: job.okxUrls,
  telegram: job.telegram,
  masterKey: job.masterKey,
  perSecond: job.perSecond,
  logger,
  transformers: telegramTransformers(30),
});
const worker = startDigestWorker({
  ...harness.dependencies,
  connection: harness.connection,
  prefix: harness.bullPrefix,
  concurrency: job.concurrency,
});
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
