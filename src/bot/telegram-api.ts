import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import type { Transformer } from "grammy";
import { spacingMs } from "../okx/limiter.js";

/**
 * Every outgoing call retries on 429 (after Telegram's `retry_after`) and on network errors; calls to a chat
 * go through grammY's throttler: one at a time per chat, 20 a minute per group, and at most
 * `maxPerSecond` for this process, spaced evenly (a reservoir would let two bursts into one sliding second).
 * The throttle lives in memory on purpose: it must still let "I am briefly unavailable" out while Redis is
 * down. Digests, the one bulk sender, keep to the bot-wide limit through Redis on their own.
 */
export function telegramTransformers(maxPerSecond: number): Transformer[] {
  const transformers: Transformer[] = [autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 })];
  if (maxPerSecond > 0) {
    transformers.push(apiThrottler({ global: { minTime: spacingMs(maxPerSecond, 1000, 0.02) }, out: { maxConcurrent: 1 } }));
  }
  return transformers;
}
