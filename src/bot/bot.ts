import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type MiddlewareFn, type Transformer } from "grammy";
import type { RedisClient } from "../store/redis.js";
import type { Logger } from "../log.js";
import type { OkxClient } from "../okx/client.js";
import type { DigestSchedule } from "../digest/schedule.js";
import type { InterestService } from "../services/interest.js";
import { MessageClaims } from "../store/message-claims.js";
import { conversationKeyPrefix, sealedStateStorage } from "../store/conversation-storage.js";
import type { CredentialStore } from "../store/credentials.js";
import type { RedisLocks } from "../store/locks.js";
import type { PendingAnswers } from "../store/pending-answers.js";
import type { PreferenceStore } from "../store/preferences.js";
import type { ChartPicture } from "../render/chart.js";
import type { ExportJob } from "../render/export-pool.js";
import type { Vault } from "../store/vault.js";
import type { BotContext, ConversationContext } from "./context.js";
import { errorBoundary, lastResort } from "./errors.js";
import { CONNECT, connectConversation, connectFeature } from "./features/connect.js";
import { fallbackFeature, secretGuard } from "./features/fallback.js";
import { FILTERS, filtersConversation, filtersFeature } from "./features/filters.js";
import { digestFeature } from "./features/digest.js";
import { chartFeature } from "./features/charts.js";
import { interestFeature } from "./features/interest.js";
import { languageFeature } from "./features/language.js";
import { cancelFeature, startFeature } from "./features/start.js";
import { statusFeature } from "./features/status.js";
import { allowList } from "./guards/allow-list.js";
import { floodGuard } from "./guards/flood.js";
import { sharedUpdates } from "./guards/replicas.js";
import { createI18n } from "./i18n.js";
import { deleteWhatMustGo, noteConnect, type ConnectKnowledge } from "./secrets.js";
import type { UpdatesInFlight } from "./in-flight.js";
import type { WebhookAnswers } from "./webhook-answers.js";

export interface BotDependencies {
  token: string;
  apiRoot: string;
  redis: RedisClient;
  prefix: string;
  vault: Vault;
  okx: OkxClient;
  credentials: CredentialStore;
  preferences: PreferenceStore;
  interest: InterestService;
  /** Each user's daily digest job. */
  digestSchedule: DigestSchedule;
  historyBudgetMs: number;
  /** `/disconnect`: erases everything stored for the user (`forgetUser`). */
  forget(userId: number): Promise<boolean>;
  logger: Logger;
  /** Retries and throttling of every outgoing call (see `telegramTransformers`). */
  telegramTransformers: Transformer[];
  /** The webhook's open answers, which `ctx.say` replies may ride in. */
  webhookAnswers: WebhookAnswers;
  locks: RedisLocks;
  /**
   * Several replicas may take updates (webhook mode): each update is handled once and one chat's updates
   * one at a time across all of them.
   */
  sharedUpdates: boolean;
  /** Only these users may use the bot; everyone when unset. */
  allowedUserIds?: ReadonlySet<number>;
  flood: { limit: number; windowMs: number };
  /** Told of every update handled, for metrics. */
  onUpdate?: (kind: string, outcome: "ok" | "error", seconds: number) => void;
  /** An abandoned conversation (and every secret in its state) is gone after this long. */
  conversationTtlMs?: number;
  /** The answers in progress ("Loading…" messages), which another replica finishes if this one dies. */
  pendingAnswers?: PendingAnswers;
  /** Counts the updates being handled, which a stop waits for. */
  inFlight?: UpdatesInFlight;
  /** Draws a chart as a PNG (the chart pool's `render`). */
  renderChart: (picture: ChartPicture) => Promise<Buffer>;
  /** Writes an export's CSV files (the export pool's `build`). */
  buildExport: (job: ExportJob, folder: string) => Promise<{ files: string[] }>;
}

/** One line per update: what it was, how long it took, how it ended. Never its text. */
function updateLog(logger: Logger, onUpdate: BotDependencies["onUpdate"]): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = performance.now();
    const kind = Object.keys(ctx.update).find((key) => key !== "update_id") ?? "unknown";
    let outcome: "ok" | "error" = "ok";
    try {
      await next();
    } catch (error) {
      outcome = "error";
      throw error;
    } finally {
      const ms = performance.now() - started;
      logger.info({ update: ctx.update.update_id, kind, chat: ctx.chat?.id, ms: Math.round(ms), outcome }, "update");
      onUpdate?.(kind, outcome, ms / 1000);
    }
  };
}

/**
 * A guard that may stop an update (never passing it on): what must go of a stopped update still goes, as the
 * handlers after the guard would have seen to it (`secrets.ts`); `onDeleted` may say why.
 */
function stopsDeleting(
  guard: MiddlewareFn<BotContext>,
  connect: ConnectKnowledge,
  onDeleted?: (ctx: BotContext, reason: "secret" | "unsure") => Promise<unknown>,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    let passed = false;
    await guard(ctx, () => {
      passed = true;
      return next();
    });
    if (passed) return;
    const reason = await deleteWhatMustGo(ctx, connect);
    if (reason !== undefined) await onDeleted?.(ctx, reason);
  };
}

export function createBot(dependencies: BotDependencies): Bot<BotContext> {
  const ttl = dependencies.conversationTtlMs ?? 10 * 60_000;
  const bot = new Bot<BotContext>(dependencies.token, { client: { apiRoot: dependencies.apiRoot } });
  // Innermost first: a reply goes into the webhook's answer only once the throttle has let it through.
  bot.api.config.use(dependencies.webhookAnswers.transformer, ...dependencies.telegramTransformers);
  // Transformers reach only the Api object they are installed on; conversations build their own per update.
  const telegramInConversations: MiddlewareFn<ConversationContext> = (ctx, next) => {
    ctx.api.config.use(...dependencies.telegramTransformers);
    return next();
  };
  const i18n = createI18n<BotContext>(dependencies.preferences);

  // Outermost: an update waiting for its chat's turn is in flight too.
  if (dependencies.inFlight !== undefined) bot.use(dependencies.inFlight.middleware());
  // The conversations plugin reads and writes a chat's state without locks: one update of a chat at a time.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // Every update, polled or from the webhook, and within its chat's turn, so its answer comes before the next one's.
  bot.use(errorBoundary(dependencies.logger, (locale, key) => i18n.t(locale, key)));
  bot.use(updateLog(dependencies.logger, dependencies.onUpdate));
  bot.use(i18n);
  bot.use(dependencies.webhookAnswers.middleware());
  // Someone refused never runs /connect; a key they paste goes all the same.
  bot.use(
    stopsDeleting(allowList(dependencies.allowedUserIds), "not-running", (ctx) =>
      ctx.reply(ctx.t(ctx.chat?.type === "private" ? "secret-deleted" : "secret-in-group")),
    ),
  );
  if (dependencies.sharedUpdates) {
    // The lock's wait is long enough for the slowest question (a first /interest pages back for up to the history budget).
    // An update it drops was seen by another replica, which deals with it.
    bot.use(sharedUpdates(dependencies.locks, { waitMs: dependencies.historyBudgetMs + 30_000 }));
  }
  // An update over the limit is dropped unread: whether /connect runs is not known (its one note says why).
  bot.use(stopsDeleting(floodGuard({ redis: dependencies.redis, prefix: dependencies.prefix, ...dependencies.flood }), "unknown"));
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: "key",
        prefix: conversationKeyPrefix(dependencies.prefix),
        adapter: sealedStateStorage(dependencies.redis, dependencies.vault, ttl),
      },
      plugins: [createI18n<ConversationContext>(dependencies.preferences), telegramInConversations],
    }),
  );
  // From here on the chat's conversation state is read: the error boundary knows whether /connect runs.
  bot.use((ctx, next) => {
    noteConnect(ctx, ctx.conversation.active(CONNECT) > 0);
    return next();
  });
  // A key or secret goes before any feature can take it (a command's arguments, /filters); /connect sees to its own.
  bot.use(secretGuard());
  bot.use(cancelFeature());
  const connect = connectConversation({
    okx: dependencies.okx,
    credentials: dependencies.credentials,
    loadHistory: (uid, credentials) => dependencies.interest.loadHistory(uid, credentials),
  });
  bot.use(createConversation(connect, { id: CONNECT, maxMillisecondsToWait: ttl }));
  bot.use(createConversation(filtersConversation(dependencies), { id: FILTERS, maxMillisecondsToWait: ttl }));
  bot.use(
    connectFeature(),
    startFeature(),
    statusFeature(dependencies),
    languageFeature(dependencies.preferences),
    filtersFeature(dependencies.preferences),
    interestFeature({
      interest: dependencies.interest,
      historyBudgetMs: dependencies.historyBudgetMs,
      preferences: dependencies.preferences,
      claims: new MessageClaims(dependencies.redis, dependencies.prefix),
      pending: dependencies.pendingAnswers,
      onFollowError: (error) => dependencies.logger.warn({ err: error }, "a summary could not keep itself up to date"),
    }),
    chartFeature({
      interest: dependencies.interest,
      historyBudgetMs: dependencies.historyBudgetMs,
      preferences: dependencies.preferences,
      pending: dependencies.pendingAnswers,
      renderChart: dependencies.renderChart,
      buildExport: dependencies.buildExport,
    }),
    digestFeature({ preferences: dependencies.preferences, schedule: dependencies.digestSchedule, interest: dependencies.interest }),
    fallbackFeature(),
  );
  bot.catch(lastResort(dependencies.logger));
  return bot;
}
