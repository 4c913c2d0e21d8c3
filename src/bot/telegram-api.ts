import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import { bottleneckConnection, spacingMs } from "../okx/limiter.js";

export interface TelegramApiOptions {
  /** The global limit is kept here, so every replica together stays under it. */
  redis: Redis;
  prefix: string;
  /** Telegram allows a bot about 30 messages a second in all; 0 turns the throttle off. */
  maxPerSecond: number;
}

export interface TelegramApi {
  /** Installed on `bot.api` and on the API object of every conversation. */
  transformers: Transformer[];
  close(): Promise<void>;
}

/**
 * Every outgoing call retries on 429 (after Telegram's `retry_after`) and on network errors; calls to a chat
 * go through grammY's throttler: one at a time per chat, 20 a minute per group, and the global limit spaced
 * evenly through Redis (a reservoir would let two bursts into one sliding second).
 */
export function telegramApi(options: TelegramApiOptions): TelegramApi {
  const transformers: Transformer[] = [autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 })];
  if (options.maxPerSecond === 0) return { transformers, close: () => Promise.resolve() };
  const connection = bottleneckConnection(options.redis);
  transformers.push(
    apiThrottler({
      global: { id: `${options.prefix}tg`, datastore: "ioredis", connection, minTime: spacingMs(options.maxPerSecond, 1000, 0.02) },
      out: { maxConcurrent: 1 },
    }),
  );
  return { transformers, close: () => connection.disconnect(true) };
}
