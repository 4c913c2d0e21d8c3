import type { BotError, Context, MiddlewareFn } from "grammy";
import { GrammyError, HttpError } from "grammy";
import type { Logger } from "../log.js";
import { LockTimeoutError } from "../store/locks.js";
import type { BotContext } from "./context.js";
import { localeFor } from "./i18n.js";
import { connectKnowledge, deleteWhatMustGo } from "./secrets.js";

/** Errors of the Redis connection (down, refusing, or gave up retrying), as ioredis words them. */
export function isStorageError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === "MaxRetriesPerRequestError" ||
    /Connection is closed|ECONNREFUSED|Stream isn't writeable|enableOfflineQueue|Reached the max retries|Command timed out/i.test(error.message)
  );
}

/** Translates for a context the i18n middleware may not have reached yet. */
export type Translate = (locale: string, key: string) => string;

const loggable = (error: unknown) =>
  error instanceof GrammyError || error instanceof HttpError ? { name: error.name, message: error.message } : error;

/**
 * The error boundary, installed as the first middleware (after the per-chat order), so every update goes
 * through it whether it came by long polling or by the webhook: grammY calls `bot.catch` only in its own
 * polling loop, and `bot.handleUpdate` under the webhook would throw past it, with Telegram already answered
 * 200 and never sending the update again. It logs the failure once (never the update's text), deletes what
 * must go (see `secrets.ts`: what could be a secret of a /connect the failure stopped), and tells the person,
 * in plain words, that nothing they stored was lost.
 */
export function errorBoundary(logger: Logger, translate: Translate): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (cause) {
      await answerFailure(ctx, cause, logger, translate);
    }
  };
}

async function answerFailure(ctx: BotContext, cause: unknown, logger: Logger, translate: Translate): Promise<void> {
  const storage = isStorageError(cause);
  logger.error(
    { update: ctx.update.update_id, chat: ctx.chat?.id, err: loggable(cause) },
    storage ? "update failed: storage unavailable" : "update failed",
  );
  const t = (key: string) => (typeof ctx.t === "function" ? ctx.t(key) : translate(localeFor(ctx.from?.language_code), key));
  try {
    // The handler that would have deleted it did not run, or did not finish.
    const deleted = await deleteWhatMustGo(ctx, connectKnowledge(ctx));
    if (ctx.chat === undefined) return;
    // An edit is answered only when it had to go; a person expects no answer to one.
    if (ctx.message === undefined && ctx.callbackQuery === undefined && deleted === undefined) return;
    const text =
      deleted === "secret" && ctx.chat.type !== "private"
        ? t("secret-in-group")
        : t(storage ? "error-storage" : cause instanceof LockTimeoutError ? "error-busy" : "error-internal");
    if (ctx.callbackQuery === undefined || !(await alerted(ctx, text))) await ctx.reply(text);
  } catch (replyError) {
    logger.warn({ err: loggable(replyError) }, "could not tell the user about a failure");
  }
}

/**
 * Explains a failed press in an alert, if the press is still unanswered. Handlers answer a press first
 * (Telegram shows a spinner until then), so a later failure can only be told in the chat.
 */
async function alerted(ctx: BotContext, text: string): Promise<boolean> {
  try {
    await ctx.answerCallbackQuery({ text, show_alert: true });
    return true;
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 400) return false;
    throw error;
  }
}

/** `bot.catch`: only what the boundary itself let through (it failed while answering a failure). */
export function lastResort(logger: Logger) {
  return (error: BotError<Context>): void => {
    logger.error(
      { update: error.ctx.update.update_id, chat: error.ctx.chat?.id, err: loggable(error.error) },
      "update failed outside the error boundary",
    );
  };
}
