import { setTimeout as delay } from "node:timers/promises";
import type { Update } from "grammy/types";
import { ApiFailure } from "./failures.js";
import { pollLimit } from "./limits.js";
import { integerParam } from "./params.js";
import type { ApiParams } from "./types.js";
import type { UpdateQueue } from "./updates.js";

export const WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
export const POLL_SUPERSEDED = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const SUPERSEDED_GRACE_MS = 20;

type PollEnd = "wake" | "timeout" | "superseded" | "aborted";

export interface PollingContext {
  webhookActive(): boolean;
  /** The fake is closing: a poll answers at once rather than wait. */
  closing(): boolean;
}

/** `getUpdates`: one long poll at a time, held until an update comes, its timeout ends or a newer poll takes over. */
export class LongPolling {
  private activePoll: ((end: PollEnd) => void) | undefined;

  constructor(
    private readonly updates: UpdateQueue,
    private readonly context: PollingContext,
  ) {}

  async getUpdates(params: ApiParams, signal: AbortSignal): Promise<Update[]> {
    if (this.context.webhookActive()) throw new ApiFailure(409, WEBHOOK_ACTIVE);
    this.updates.setAllowed(params.allowed_updates);
    this.updates.confirm(integerParam(params, "offset"));
    const limit = pollLimit(integerParam(params, "limit"));
    const timeoutSeconds = Math.max(integerParam(params, "timeout") ?? 0, 0);
    // As Telegram: a newer request ends the one waiting.
    this.activePoll?.("superseded");
    if (this.updates.size === 0 && timeoutSeconds > 0 && !this.context.closing()) {
      const end = await this.waitForUpdate(timeoutSeconds * 1000, signal);
      if (end === "superseded") {
        // Usually the client aborted this poll and then sent the new one (grammY's bot.stop()), and the news of
        // the abort is still on its way: give it a moment, so the log shows a poll left, not a conflict.
        await delay(SUPERSEDED_GRACE_MS);
        throw new ApiFailure(409, POLL_SUPERSEDED);
      }
      if (this.context.webhookActive()) throw new ApiFailure(409, WEBHOOK_ACTIVE);
    }
    return this.updates.oldest(limit);
  }

  /** Ends the waiting poll, if any: it answers with what is pending now (or the conflict a new webhook makes). */
  wake(): void {
    this.activePoll?.("wake");
  }

  private waitForUpdate(ms: number, signal: AbortSignal): Promise<PollEnd> {
    if (signal.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const onAbort = () => end("aborted");
      const timer = setTimeout(() => end("timeout"), ms);
      const end = (reason: PollEnd) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.activePoll === end) this.activePoll = undefined;
        resolve(reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.activePoll = end;
    });
  }
}
