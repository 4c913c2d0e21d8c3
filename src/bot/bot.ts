import { autoRetry } from "@grammyjs/auto-retry";
import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type MiddlewareFn } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "../log.js";
import type { OkxClient } from "../okx/client.js";
import type { InterestService } from "../services/interest.js";
import { sealedStateStorage } from "../store/conversation-storage.js";
import type { CredentialStore } from "../store/credentials.js";
import type { PreferenceStore } from "../store/preferences.js";
import type { Vault } from "../store/vault.js";
import type { BotContext, ConversationContext } from "./context.js";
import { errorBoundary } from "./errors.js";
import { CONNECT, connectConversation, connectFeature } from "./features/connect.js";
import { fallbackFeature } from "./features/fallback.js";
import { FILTERS, filtersConversation, filtersFeature } from "./features/filters.js";
import { interestFeature } from "./features/interest.js";
import { languageFeature } from "./features/language.js";
import { cancelFeature, startFeature } from "./features/start.js";
import { statusFeature } from "./features/status.js";
import { createI18n } from "./i18n.js";

export interface BotDependencies {
  token: string;
  apiRoot: string;
  redis: Redis;
  prefix: string;
  vault: Vault;
  okx: OkxClient;
  credentials: CredentialStore;
  preferences: PreferenceStore;
  interest: InterestService;
  historyBudgetMs: number;
  forget(userId: number): Promise<boolean>;
  logger: Logger;
  /** Told of every update handled, for metrics. */
  onUpdate?: (kind: string, outcome: "ok" | "error", seconds: number) => void;
  /** An abandoned conversation (and every secret in its state) is gone after this long. */
  conversationTtlMs?: number;
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

/** Transformers reach only the Api object they are installed on; conversations build their own per update. */
const retryInConversations: MiddlewareFn<ConversationContext> = (ctx, next) => {
  ctx.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 }));
  return next();
};

export function createBot(dependencies: BotDependencies): Bot<BotContext> {
  const ttl = dependencies.conversationTtlMs ?? 10 * 60_000;
  const bot = new Bot<BotContext>(dependencies.token, { client: { apiRoot: dependencies.apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 }));
  const i18n = createI18n<BotContext>(dependencies.preferences);

  // The conversations plugin reads and writes a chat's state without locks: one update of a chat at a time.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(updateLog(dependencies.logger, dependencies.onUpdate));
  bot.use(i18n);
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: "key",
        prefix: `${dependencies.prefix}conv:`,
        adapter: sealedStateStorage(dependencies.redis, dependencies.vault, ttl),
      },
      plugins: [createI18n<ConversationContext>(dependencies.preferences), retryInConversations],
    }),
  );
  bot.use(cancelFeature());
  bot.use(createConversation(connectConversation(dependencies), { id: CONNECT, maxMillisecondsToWait: ttl }));
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
    }),
    fallbackFeature(),
  );
  bot.catch(errorBoundary(dependencies.logger));
  return bot;
}
