import { conversations, createConversation, type ConversationOptions } from "@grammyjs/conversations";
import type { I18n } from "@grammyjs/i18n";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type MiddlewareFn, type Transformer } from "grammy";
import type { Logger } from "../log.js";
import type { BotContext, ConversationContext } from "./context.js";
import { errorBoundary, lastResort } from "./errors.js";
import { accountsFeature, RENAME, renameConversation, type AccountsDependencies } from "./features/accounts.js";
import { CONNECT, connectConversation, connectFeature, type ConnectDependencies } from "./features/connect.js";
import { chartFeature, type ChartFeatureDependencies } from "./features/charts.js";
import { alertsFeature, type AlertFeatureDependencies } from "./features/alerts/index.js";
import { digestFeature, type DigestFeatureDependencies } from "./features/digest/index.js";
import { fallbackFeature, secretGuard } from "./features/fallback.js";
import { FILTERS, filtersConversation, filtersFeature, type FiltersDependencies } from "./features/filters.js";
import { interestFeature, type InterestFeatureDependencies } from "./features/interest.js";
import { languageFeature } from "./features/language.js";
import { cancelFeature, startFeature } from "./features/start.js";
import { statusFeature, type StatusDependencies } from "./features/status.js";
import { allowList } from "./guards/allow-list.js";
import { handlerContext } from "./handler-context.js";
import type { UpdatesInFlight } from "./in-flight.js";
import { deleteWhatMustGo, noteConnect, type ConnectKnowledge } from "./secrets.js";
import type { WebhookAnswers } from "./webhook-answers.js";
import type { PreferenceStore } from "../store/preferences.js";

export interface BotDependencies {
  token: string;
  apiRoot: string;
  logger: Logger;
  /** The bot's one set of translations, which its conversations use too. */
  i18n: I18n<ConversationContext>;
  /** The time zone each person's answers are shown in. */
  timeZone: (userId: number) => Promise<string>;
  /** Retries and throttling of every outgoing call (see `telegramTransformers`). */
  telegramTransformers: Transformer[];
  /** The webhook's open answers, which `ctx.say` replies may ride in. */
  webhookAnswers: WebhookAnswers;
  /** Counts the updates being handled, which a stop waits for. */
  inFlight?: UpdatesInFlight;
  /** Told of every update handled, for metrics. */
  onUpdate?: (kind: string, outcome: "ok" | "error", seconds: number) => void;
  guards: {
    /** Only these people may use the bot; everyone when unset. */
    allowedUserIds?: ReadonlySet<number>;
    /** Several replicas take updates (webhook mode): each update handled once, one chat's updates one at a time. */
    replicas?: MiddlewareFn<BotContext>;
    /** Stops a person who sends too many updates too fast. */
    flood: MiddlewareFn<BotContext>;
  };
  /** Where conversations keep their state, and how long an abandoned one (and every secret in it) lasts. */
  conversations: { storage: NonNullable<ConversationOptions<BotContext, ConversationContext>["storage"]>; ttlMs: number };
  features: {
    connect: ConnectDependencies;
    status: StatusDependencies;
    accounts: AccountsDependencies;
    language: Pick<PreferenceStore, "setLanguage">;
    filters: FiltersDependencies & { preferences: Pick<PreferenceStore, "setDefaultView"> };
    interest: InterestFeatureDependencies;
    charts: ChartFeatureDependencies;
    digest: DigestFeatureDependencies;
    alerts: AlertFeatureDependencies;
  };
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
  const { logger, i18n, guards, features } = dependencies;
  const ttl = dependencies.conversations.ttlMs;
  const bot = new Bot<BotContext>(dependencies.token, { client: { apiRoot: dependencies.apiRoot } });
  // Innermost first: a reply goes into the webhook's answer only once the throttle has let it through.
  bot.api.config.use(dependencies.webhookAnswers.transformer, ...dependencies.telegramTransformers);
  // Transformers reach only the Api object they are installed on; conversations build their own per update.
  const telegramInConversations: MiddlewareFn<ConversationContext> = (ctx, next) => {
    ctx.api.config.use(...dependencies.telegramTransformers);
    return next();
  };

  // Outermost: an update waiting for its chat's turn is in flight too.
  if (dependencies.inFlight !== undefined) bot.use(dependencies.inFlight.middleware());
  // The conversations plugin reads and writes a chat's state without locks: one update of a chat at a time.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // Every update, polled or from the webhook, and within its chat's turn, so its answer comes before the next one's.
  bot.use(errorBoundary(logger, (locale, key) => i18n.t(locale, key)));
  bot.use(updateLog(logger, dependencies.onUpdate));
  bot.use(i18n);
  bot.use(handlerContext({ logger, timeZone: dependencies.timeZone }));
  bot.use(dependencies.webhookAnswers.middleware());
  // Someone refused never runs /connect; a key they paste goes all the same.
  bot.use(
    stopsDeleting(allowList(guards.allowedUserIds), "not-running", (ctx) =>
      ctx.reply(ctx.t(ctx.chat?.type === "private" ? "secret-deleted" : "secret-in-group")),
    ),
  );
  // An update the replicas' guard drops was seen by another replica, which deals with it.
  if (guards.replicas !== undefined) bot.use(guards.replicas);
  // An update over the limit is dropped unread: whether /connect runs is not known (its one note says why).
  bot.use(stopsDeleting(guards.flood, "unknown"));
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: dependencies.conversations.storage,
      plugins: [i18n, telegramInConversations],
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
  bot.use(createConversation(connectConversation(features.connect), { id: CONNECT, maxMillisecondsToWait: ttl }));
  bot.use(createConversation(filtersConversation(features.filters), { id: FILTERS, maxMillisecondsToWait: ttl }));
  bot.use(createConversation(renameConversation(features.accounts), { id: RENAME, maxMillisecondsToWait: ttl }));
  bot.use(
    connectFeature(),
    startFeature(),
    statusFeature(features.status),
    accountsFeature(features.accounts),
    languageFeature(features.language),
    filtersFeature(features.filters.preferences),
    interestFeature(features.interest),
    chartFeature(features.charts),
    digestFeature(features.digest),
    alertsFeature(features.alerts),
    fallbackFeature(),
  );
  bot.catch(lastResort(logger));
  return bot;
}
