import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Api, type Transformer } from "grammy";
import type { Redis } from "ioredis";
import { createI18n } from "../../src/bot/i18n.js";
import { digestRenderer } from "../../src/bot/views/digest.js";
import type { DigestDeliveryDependencies } from "../../src/digest/deliver.js";
import { onTheWire } from "../../src/services/send-once.js";
import { DIGEST_QUEUE, DigestSchedule, type DigestJobData } from "../../src/digest/schedule.js";
import { createLogger, type Logger } from "../../src/log.js";
import { OkxClient } from "../../src/okx/client.js";
import { createAccountLimiter, type RequestScheduler } from "../../src/okx/limiter.js";
import type { RegionUrls } from "../../src/okx/regions.js";
import { HistoryLoader } from "../../src/services/history.js";
import { InterestService } from "../../src/services/interest.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { DigestMarks } from "../../src/store/digest-marks.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { SendPacer } from "../../src/store/send-pacer.js";
import { Vault } from "../../src/store/vault.js";
import type { FakeOkxAccount } from "./fake-okx/index.js";
import { credentialsOf } from "./okx-harness.js";

export interface DigestHarnessOptions {
  redis: Redis;
  prefix: string;
  okxUrls: RegionUrls;
  telegram: { token: string; apiRoot: string };
  /** Base64 of 32 bytes; a fresh key when unset. Processes that share stored credentials share this. */
  masterKey?: string;
  perSecond?: number;
  /** OKX's rate window (2 s); scaled down in tests. */
  okxWindowMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Installed on the Api, as the bot installs its retries and its process's throttle on `bot.api`; none by default. */
  transformers?: Transformer[];
}

export interface DigestHarness {
  dependencies: DigestDeliveryDependencies;
  credentials: CredentialStore;
  preferences: PreferenceStore;
  cache: InterestCache;
  history: HistoryLoader;
  queue: Queue<DigestJobData>;
  /** BullMQ's connection (blocking reads need `maxRetriesPerRequest: null`). */
  connection: Redis;
  bullPrefix: string;
  /** Stores a connected key for a Telegram user, as /connect does. */
  connect(userId: number, account: FakeOkxAccount): Promise<void>;
  close(): Promise<void>;
}

function withTransformers(api: Api, transformers: Transformer[]): Api {
  api.config.use(...transformers);
  return api;
}

/**
 * Everything a digest needs, built the way `src/main.ts` builds it, against the fakes and a real Redis:
 * for the digest tests and for each worker process of `bench:digest`.
 */
export function digestHarness(options: DigestHarnessOptions): DigestHarness {
  const { redis, prefix } = options;
  const vault = new Vault([{ id: "k1", key: Buffer.from(options.masterKey ?? randomBytes(32).toString("base64"), "base64") }]);
  const scheduler: RequestScheduler = createAccountLimiter({
    redis: redis.duplicate(),
    prefix,
    ...(options.okxWindowMs === undefined ? {} : { windowMs: options.okxWindowMs }),
  });
  const okx = new OkxClient({ urls: options.okxUrls, scheduler, backoffBaseMs: 20, backoffMaxMs: 200 });
  const credentials = new CredentialStore(redis, vault, prefix);
  const preferences = new PreferenceStore(redis, prefix);
  const cache = new InterestCache(redis, prefix);
  const now = options.now;
  const logger = options.logger ?? createLogger("silent");
  const history = new HistoryLoader(okx, cache, now === undefined ? {} : { now });
  const interest = new InterestService({
    credentials,
    cache,
    history,
    logger,
    ...(now === undefined ? {} : { now }),
  });
  const connection = redis.duplicate({ maxRetriesPerRequest: null, commandTimeout: undefined });
  const bullPrefix = `${prefix}bull`;
  const queue = new Queue<DigestJobData>(DIGEST_QUEUE, { connection, prefix: bullPrefix });
  const i18n = createI18n(preferences);
  const dependencies: DigestDeliveryDependencies = {
    interest,
    preferences,
    marks: new DigestMarks(redis, prefix),
    pacer: new SendPacer(redis, prefix, options.perSecond ?? 29),
    schedule: new DigestSchedule(queue, redis),
    api: withTransformers(new Api(options.telegram.token, { apiRoot: options.telegram.apiRoot }), [onTheWire, ...(options.transformers ?? [])]),
    translate: (locale) => (key, variables) => i18n.t(locale, key, variables),
    renderer: digestRenderer,
    logger,
    ...(now === undefined ? {} : { now }),
  };
  return {
    dependencies,
    credentials,
    preferences,
    cache,
    history,
    queue,
    connection,
    bullPrefix,
    async connect(userId, account) {
      await credentials.save(userId, credentialsOf(account), {
        uid: account.uid,
        label: account.label,
        permissions: account.perm.split(","),
        region: account.region,
        demo: account.demo,
        connectedAt: Date.now(),
      });
    },
    async close() {
      await queue.close();
      await connection.quit();
      await scheduler.close();
    },
  };
}
