import { HttpError, type Transformer } from "grammy";
import { perChat, sendWindow } from "./send-window.js";

export interface RetryOptions {
  /** Tries of one call in all, the first included. */
  attempts: number;
  /** A 429 that asks for a longer wait is handed back at once (digests then pause every replica for it). */
  maxRetryAfterMs: number;
  /** No retry starts more than this after the first try, whatever is left of `attempts`. */
  budgetMs: number;
  /** The wait before retrying a network error or a 5xx, doubled after each. */
  backoffMs: number;
}

/** Four tries within 30 s: a person waits no longer, and a Telegram outage holds no sender for long. */
export const TELEGRAM_RETRIES: RetryOptions = { attempts: 4, maxRetryAfterMs: 10_000, budgetMs: 30_000, backoffMs: 1_000 };

/** grammY's own signal type (from the abort-controller package). */
type Signal = Parameters<Transformer>[3];

function pause(ms: number, signal: Signal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      reject(new Error("request aborted while waiting to retry"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort);
  });
}

/**
 * Retries a call on 429 (after Telegram's `retry_after`), on 5xx and on network errors (grammY's
 * `HttpError`), with both the number of tries and the time they take bounded: `@grammyjs/auto-retry`
 * retries network errors without end, waiting up to an hour between tries. Transformers below this one run
 * again on every try (the digests' on-the-wire mark among them); anything else they throw is not retried.
 */
export function boundedRetries(options: RetryOptions = TELEGRAM_RETRIES): Transformer {
  return async (previous, method, payload, signal) => {
    const started = Date.now();
    let backoff = options.backoffMs;
    const mayWait = (ms: number, attempt: number) =>
      attempt < options.attempts && Date.now() - started + ms <= options.budgetMs && signal?.aborted !== true;
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        const result = await previous(method, payload, signal);
        if (result.ok) return result;
        const retryAfter = result.parameters?.retry_after;
        if (typeof retryAfter === "number") {
          if (retryAfter * 1000 > options.maxRetryAfterMs) return result;
          wait = retryAfter * 1000;
        } else if (result.error_code >= 500) {
          wait = backoff;
          backoff *= 2;
        } else {
          return result;
        }
        if (!mayWait(wait, attempt)) return result;
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        wait = backoff;
        backoff *= 2;
        if (!mayWait(wait, attempt)) throw error;
      }
      await pause(wait, signal);
    }
  };
}

/**
 * Every outgoing call retries within bounds (`boundedRetries`); calls to a chat go one at a time per chat
 * (20 a minute per group, `perChat`) and, as they leave, through a sliding window of at most
 * `maxPerSecond` in any second for this process (`sendWindow`). The throttle lives in memory on purpose:
 * it must still let "I am briefly unavailable" out while Redis is down. Digests, the one bulk sender, keep
 * to the bot-wide limit through Redis on their own.
 */
export function telegramTransformers(maxPerSecond: number, retry: RetryOptions = TELEGRAM_RETRIES): Transformer[] {
  const retries = boundedRetries(retry);
  if (maxPerSecond <= 0) return [retries];
  // The window is innermost, so each try of a retried call counts; 2 % of room for clocks and jitter.
  return [sendWindow(maxPerSecond, 1020), retries, perChat()];
}
