import "dotenv/config";
import { run } from "@grammyjs/runner";
import { Api } from "grammy";
import { createBot } from "./bot/bot.js";
import { registerCommands } from "./bot/commands.js";
import { UpdatesInFlight } from "./bot/in-flight.js";
import { startAnswerSweeper } from "./bot/pending.js";
import type { ConversationContext } from "./bot/context.js";
import { floodGuard } from "./bot/guards/flood.js";
import { sharedUpdates } from "./bot/guards/replicas.js";
import { createI18n } from "./bot/i18n.js";
import { telegramTransformers } from "./bot/telegram-api.js";
import { digestRenderer } from "./bot/views/digest.js";
import { WebhookAnswers } from "./bot/webhook-answers.js";
import { ConfigError, loadConfig } from "./config.js";
import { DigestSchedule, openDigestQueue } from "./digest/schedule.js";
import { onTheWire } from "./services/send-once.js";
import { rebuildDigestSchedules } from "./digest/rebuild.js";
import { startDigestWorker } from "./digest/worker.js";
import { alertAccounts } from "./alerts/accounts.js";
import { alertForgetting } from "./alerts/forget.js";
import { AlertSchedule, openAlertQueue } from "./alerts/schedule.js";
import { startAlertWorker } from "./alerts/worker.js";
import { alertRenderer } from "./bot/views/alerts.js";
import { createLogger } from "./log.js";
import { OkxClient } from "./okx/client.js";
import { createAccountLimiter } from "./okx/limiter.js";
import { startHttpServer } from "./server/http.js";
import { createChartPool } from "./render/chart-pool.js";
import { createExportPool } from "./render/export-pool.js";
import { createMetrics } from "./server/metrics.js";
import { createWebhook } from "./server/webhook.js";
import { conversationKeyPrefix, forgetConversation, sealedStateStorage } from "./store/conversation-storage.js";
import { AlertSettingsStore } from "./store/alert-settings.js";
import { AlertState } from "./store/alert-state.js";
import { CredentialStore } from "./store/credentials.js";
import { DigestMarks } from "./store/digest-marks.js";
import { forgetAccount, forgetUser } from "./services/forget.js";
import { HistoryLoader } from "./services/history.js";
import { checkKey } from "./services/key-check.js";
import { InterestService } from "./services/interest.js";
import { InterestCache } from "./store/interest-cache.js";
import { RedisLocks } from "./store/locks.js";
import { MessageClaims } from "./store/message-claims.js";
import { PendingAnswers } from "./store/pending-answers.js";
import { PreferenceStore } from "./store/preferences.js";
import { connectRedis, duplicateRedis, readyForCommands, slotTag } from "./store/redis.js";
import { SendMarks } from "./store/send-marks.js";
import { SendPacer } from "./store/send-pacer.js";
import { Vault } from "./store/vault.js";

/** An abandoned conversation (and every secret in its state) is gone after this long. */
const CONVERSATION_TTL_MS = 10 * 60_000;

/** The composition root: builds every part from the configuration, starts them, and stops them in reverse. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const vault = new Vault(config.masterKeys);
  const redis = connectRedis(config.redis);
  const scheduler = createAccountLimiter({
    redis: duplicateRedis(redis, { enableAutoPipelining: false }),
    prefix: config.redisPrefix,
    accountKey: (account) => slotTag(redis, account),
    onError: (error) => logger.warn({ err: error }, "limiter problem"),
  });
  const metrics = createMetrics(() => scheduler.queued());
  redis.on("error", (error) => {
    metrics.redisError();
    logger.warn({ err: error }, "redis connection problem");
  });
  if (!(await readyForCommands(redis, 10_000)))
    logger.warn("redis is out of reach; starting anyway: it reconnects by itself, and until then each command says so");
  const okx = new OkxClient({ urls: config.okxUrls, scheduler, timeoutMs: config.okxTimeoutMs, onAnswer: metrics.okxAnswered });
  const credentials = new CredentialStore(redis, vault, config.redisPrefix, config.maxAccountsPerUser);
  const preferences = new PreferenceStore(redis, config.redisPrefix);
  const cache = new InterestCache(redis, config.redisPrefix);
  /** Set on the first signal: background work cut short from then on is left to another replica, not a problem. */
  let stopping = false;
  const history = new HistoryLoader(okx, cache, {
    keepMs: config.historyKeepMs,
    onWalkError: (error, uid) => {
      // Its lease lapses and the next question, here or on another replica, walks on from what was saved.
      if (stopping) logger.info({ uid }, "history walk left for later: stopping");
      else logger.warn({ err: error, uid }, "history walk stopped");
    },
  });
  const interest = new InterestService({ credentials, cache, history, logger, keepMs: config.historyKeepMs });
  // BullMQ blocks on its connection: no per-command timeout and no cap on retries there.
  const queueRedis = duplicateRedis(redis, {
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
    enableAutoPipelining: false,
    enableOfflineQueue: true,
  });
  // BullMQ's scripts touch all of a queue's keys at once: in a cluster they share one slot.
  const bullPrefix = slotTag(redis, `${config.redisPrefix}bull`);
  const digestQueue = openDigestQueue(queueRedis, bullPrefix, logger);
  const digestSchedule = new DigestSchedule(digestQueue, redis);
  const locks = new RedisLocks(redis, config.redisPrefix);
  const marks = new DigestMarks(redis, config.redisPrefix);
  const pendingAnswers = new PendingAnswers(redis, config.redisPrefix, config.answerLeaseMs);
  const alertQueue = openAlertQueue(queueRedis, bullPrefix, logger);
  const alertSchedule = new AlertSchedule(alertQueue, redis);
  const alertSettings = new AlertSettingsStore(redis, config.redisPrefix);
  const alertState = new AlertState(redis, config.redisPrefix);
  const alertsForgetting = alertForgetting({ settings: alertSettings, schedule: alertSchedule, state: alertState });
  const forget = forgetUser({
    credentials,
    preferences,
    marks,
    claims: new MessageClaims(redis, config.redisPrefix),
    pending: pendingAnswers,
    cache,
    digests: digestSchedule,
    alerts: alertsForgetting,
    conversations: { forget: (chatId) => forgetConversation(redis, config.redisPrefix, chatId) },
  });
  // One throttle per process, shared by the bot's answers and the digests it sends.
  const transformers = telegramTransformers(config.telegramMaxPerSecond);
  const webhookAnswers = new WebhookAnswers();
  const inFlight = new UpdatesInFlight();
  const i18n = createI18n<ConversationContext>(preferences);
  // Charts are drawn off the main thread, so one person's chart does not hold up everyone else's updates.
  const charts = createChartPool(config.charts);
  // So are large CSV exports: a year of a wide account is seconds of decoding and formatting.
  const exports = createExportPool(config.exports);
  const bot = createBot({
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    logger,
    i18n,
    timeZone: (userId) => preferences.timeZone(userId),
    telegramTransformers: transformers,
    webhookAnswers,
    inFlight,
    onUpdate: metrics.updateHandled,
    guards: {
      allowedUserIds: config.allowedUserIds,
      // The lock's wait is long enough for the slowest question (a first /interest pages back for up to the history budget).
      replicas: config.webhook === undefined ? undefined : sharedUpdates(locks, { waitMs: config.historyBudgetMs + 30_000 }),
      flood: floodGuard({ redis, prefix: config.redisPrefix, ...config.flood }),
    },
    conversations: {
      storage: { type: "key", prefix: conversationKeyPrefix(config.redisPrefix), adapter: sealedStateStorage(redis, vault, CONVERSATION_TTL_MS) },
      ttlMs: CONVERSATION_TTL_MS,
    },
    features: {
      connect: {
        checkKey: (draft) => checkKey(okx, draft),
        credentials,
        loadHistory: (uid, key) => interest.loadHistory(uid, key),
      },
      status: { credentials },
      accounts: { credentials, forget, forgetAccount: forgetAccount({ credentials, cache, preferences, alerts: alertsForgetting }) },
      language: preferences,
      filters: { interest, preferences },
      interest: {
        interest,
        preferences,
        historyBudgetMs: config.historyBudgetMs,
        claims: new MessageClaims(redis, config.redisPrefix),
        pending: pendingAnswers,
      },
      charts: {
        interest,
        preferences,
        historyBudgetMs: config.historyBudgetMs,
        pending: pendingAnswers,
        renderChart: (picture) => charts.render(picture),
        buildExport: (job, folder) => exports.build(job, folder),
      },
      digest: { preferences, schedule: digestSchedule, interest },
      alerts: { settings: alertSettings },
    },
  });

  await bot.init();
  await registerCommands(bot.api, i18n);
  // Answers left saying "Loading…" by a replica that was killed or crashed, this one's last run included.
  const sweeper = startAnswerSweeper({ pending: pendingAnswers, api: bot.api, translate: (locale, key) => i18n.t(locale, key), logger });
  // The bot's own Api (retries, the process's throttle) with the digests' on-the-wire mark inside them all.
  const digestApi = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
  digestApi.config.use(onTheWire, ...transformers);
  // One pace for digests and alerts: Telegram's limit is the bot's, whatever is sent.
  const pacer = new SendPacer(redis, config.redisPrefix, config.digest.perSecond);
  const digestWorker = startDigestWorker({
    connection: queueRedis,
    prefix: bullPrefix,
    concurrency: config.digest.concurrency,
    interest,
    preferences,
    marks,
    pacer,
    schedule: digestSchedule,
    api: digestApi,
    translate: (locale) => (key, variables) => i18n.t(locale, key, variables),
    renderer: digestRenderer,
    logger,
    onFinished: (outcome) => {
      if (outcome === "failed") metrics.digestFailed();
      else if (outcome === "sent" || outcome === "key-notice") metrics.digestSent();
    },
  });
  const alertWorker = startAlertWorker({
    connection: queueRedis,
    prefix: bullPrefix,
    concurrency: config.digest.concurrency,
    accountsOf: alertAccounts(credentials),
    settings: alertSettings,
    state: alertState,
    marks: new SendMarks(redis, config.redisPrefix),
    cache,
    history,
    locks,
    preferences,
    schedule: alertSchedule,
    api: digestApi,
    pacer,
    translate: (locale) => (key, variables) => i18n.t(locale, key, variables),
    renderer: alertRenderer,
    logger,
  });
  await alertSchedule.start();
  // One replica in ten minutes counts stored keys among their accounts' users (keys stored before accounts kept them).
  void (async () => {
    if (!(await locks.claimOnce("accounts:index", 10 * 60_000))) return;
    await credentials.index();
  })().catch((error: unknown) => logger.warn({ err: error }, "accounts' users not counted"));
  // One replica in ten minutes checks that everyone whose digest is on has a schedule (after a restore, say).
  void (async () => {
    if (!(await locks.claimOnce("digest:rebuild", 10 * 60_000))) return;
    const rebuilt = await rebuildDigestSchedules(preferences, digestSchedule);
    if (rebuilt > 0) logger.warn({ rebuilt }, "digest schedules made again for users whose digest is on");
  })().catch((error: unknown) => logger.warn({ err: error }, "digest schedules not checked"));
  const readiness = { redis: () => redis.ping(), telegram: () => bot.api.getMe() };
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  /** Stops taking updates and resolves when those in flight are done. */
  let stopUpdates: () => Promise<void>;
  if (config.webhook !== undefined) {
    const webhook = createWebhook({
      path: config.webhook.path,
      secretToken: config.webhook.secretToken,
      replyWaitMs: config.webhook.replyWaitMs,
      handle: (update, answer) => {
        webhookAnswers.register(update, answer);
        return bot.handleUpdate(update);
      },
      onError: (error) => logger.error({ err: error }, "update failed outside the bot's error boundary"),
    });
    http = await startHttpServer(config.httpPort, { registry: metrics.registry, readiness, routes: webhook.route });
    await bot.api.setWebhook(config.webhook.url, { secret_token: config.webhook.secretToken });
    logger.info({ port: http.port, path: config.webhook.path }, "http listening: /healthz /readyz /metrics and the webhook");
    logger.info({ username: bot.botInfo.username }, "bot started (webhook)");
    // New calls get 503 (and reach another replica); those taken are finished.
    stopUpdates = async () => {
      await webhook.drain();
      await inFlight.settled();
    };
  } else {
    http = await startHttpServer(config.httpPort, { registry: metrics.registry, readiness });
    logger.info({ port: http.port }, "http listening: /healthz /readyz /metrics");
    const runner = run(bot);
    logger.info({ username: bot.botInfo.username }, "bot started (long polling)");
    stopUpdates = async () => {
      // Stops fetching; the updates fetched already are being handled, and each is waited for.
      if (runner.isRunning()) await runner.stop();
      await inFlight.settled();
      // The runner never tells Telegram which updates it took: without this the next process would get them again.
      const last = inFlight.lastUpdateId;
      if (last !== undefined)
        await bot.api
          .getUpdates({ offset: last + 1, limit: 1, timeout: 0 })
          .catch((error: unknown) => logger.warn({ err: error }, "handled updates not confirmed"));
    };
  }

  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting at once");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "stopping: no new updates, finishing those in flight");
    if (await withTimeout(stopUpdates(), config.shutdownTimeoutMs)) logger.warn("updates still in flight at the shutdown timeout");
    await http.close();
    await charts.close();
    await exports.close();
    // What is still in progress here (a summary keeping itself up to date) says it was interrupted.
    await withTimeout(sweeper.stop(), 5_000);
    // A digest in flight finishes (its day is then marked); one still waiting at the timeout is taken up by another replica.
    if (await withTimeout(digestWorker.close(), config.shutdownTimeoutMs)) await digestWorker.close(true);
    if (await withTimeout(alertWorker.close(), config.shutdownTimeoutMs)) await alertWorker.close(true);
    await digestQueue.close();
    await alertQueue.close();
    await queueRedis.quit();
    await scheduler.close();
    await redis.quit();
    logger.info("stopped");
    logger.flush(() => process.exit(0));
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** Resolves with true if `work` was still running after `ms`. */
async function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  const done = await Promise.race([work.then(() => false), timeout]);
  clearTimeout(timer);
  return done;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
