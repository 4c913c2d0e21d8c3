import type { BotError} from "grammy";
import { GrammyError, HttpError } from "grammy";
import { looksLikeSecret } from "../domain/key-format.js";
import type { Logger } from "../log.js";
import { LockTimeoutError } from "../store/locks.js";
import type { BotContext } from "./context.js";

/** Errors of the Redis connection (down, refusing, or gave up retrying), as ioredis words them. */
export function isStorageError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|ECONNREFUSED|Stream isn't writeable|enableOfflineQueue|Reached the max retries|Command timed out/i.test(error.message)
  );
}

/**
 * The last line of defence: logs the failure (never the update's text), deletes a message that looks like
 * a secret, and tells the person, in plain words, that nothing they stored was lost.
 */
export function errorBoundary(logger: Logger) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const { ctx } = error;
    const cause = error.error;
    const storage = isStorageError(cause);
    logger.error(
      {
        update: ctx.update.update_id,
        chat: ctx.chat?.id,
        err: cause instanceof GrammyError || cause instanceof HttpError ? { name: cause.name, message: cause.message } : cause,
      },
      storage ? "update failed: storage unavailable" : "update failed",
    );
    if (ctx.chat === undefined) return;
    // The handler that would have deleted a secret did not run: delete what looks like one here.
    if (ctx.message?.text !== undefined && looksLikeSecret(ctx.message.text)) await ctx.deleteMessage().catch(() => undefined);
    const text = ctx.t(storage ? "error-storage" : cause instanceof LockTimeoutError ? "error-busy" : "error-internal");
    try {
      if (ctx.callbackQuery !== undefined) await ctx.answerCallbackQuery({ text, show_alert: true });
      else await ctx.reply(text);
    } catch (replyError) {
      logger.warn({ err: replyError }, "could not tell the user about a failure");
    }
  };
}
