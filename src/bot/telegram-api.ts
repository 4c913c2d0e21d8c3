import { autoRetry } from "@grammyjs/auto-retry";
import type { Transformer } from "grammy";
import { perChat, sendWindow } from "./send-window.js";

/**
 * Every outgoing call retries on 429 (after Telegram's `retry_after`) and on network errors; calls to a chat
 * go one at a time per chat (20 a minute per group, `perChat`) and, as they leave, through
 * a sliding window of at most `maxPerSecond` in any second for this process (`sendWindow`). The throttle
 * lives in memory on purpose: it must still let "I am briefly unavailable" out while Redis is down.
 * Digests, the one bulk sender, keep to the bot-wide limit through Redis on their own.
 */
export function telegramTransformers(maxPerSecond: number): Transformer[] {
  const retries = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10 });
  if (maxPerSecond <= 0) return [retries];
  // The window is innermost, so each try of a retried call counts; 2 % of room for clocks and jitter.
  return [sendWindow(maxPerSecond, 1020), retries, perChat()];
}
