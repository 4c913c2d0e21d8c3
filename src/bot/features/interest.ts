import { Composer, type InlineKeyboard } from "grammy";
import { formatDate, type TimeDisplay } from "../../domain/time.js";
import { isPassingTrouble } from "../../okx/errors.js";
import { decodeView, encodeView, isArgumentProblem, parseInterestArguments, type InterestView } from "../../domain/view.js";
import type { HistoryProgress } from "../../services/history.js";
import type { InterestAnswer, InterestService } from "../../services/interest.js";
import type { MessageClaims } from "../../store/message-claims.js";
import type { PendingAnswers } from "../../store/pending-answers.js";
import type { PreferenceStore } from "../../store/preferences.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { pendingTicket, type PendingTicket } from "../pending.js";
import { unlessUnchanged } from "../unchanged.js";
import { figureNotes, pickerKeyboard, renderRecords, renderSummary, summaryKeyboard } from "../views/interest.js";
import type { Translate } from "../../domain/translate.js";

export interface InterestFeatureDependencies {
  interest: InterestService;
  /** Time zone, default view and page size of each user. */
  preferences: PreferenceStore;
  /** How long a question may page back through history before answering with what is held. */
  historyBudgetMs: number;
  /** Which answer each message shows now, so a summary that keeps itself up to date stops once superseded. */
  claims: MessageClaims;
  /** A summary that could not keep itself up to date (the message says it was interrupted). */
  onFollowError?: (error: unknown) => void;
  /** The answers in progress, which another replica finishes if this one dies. */
  pending?: PendingAnswers;
  now?: () => number;
}

/** Progress edits at most this often: Telegram limits edits of one message. */
const PROGRESS_EVERY_MS = 1_500;
/** A summary of part of the history shows the figures held so far at most this often while the rest loads. */
const FOLLOW_PROGRESS_MS = 5_000;
/** How long such a summary keeps itself up to date: a year of one account loads in about three minutes. */
const FOLLOW_FOR_MS = 15 * 60_000;

/** Edits the message in place; an edit that changes nothing is fine. */
export function edit(ctx: BotContext, chatId: number, messageId: number, text: string, keyboard?: InlineKeyboard): Promise<void> {
  return unlessUnchanged(ctx.api.editMessageText(chatId, messageId, text, { parse_mode: "HTML", reply_markup: keyboard }));
}

export function answerText(t: Translate, answer: Exclude<InterestAnswer, { kind: "summary" }>): string {
  switch (answer.kind) {
    case "no-key":
      return t("interest-no-key");
    case "unreadable-key":
      return t("status-unreadable");
    case "okx-error":
      // Not the key's fault, and not worth /connect again: OKX's answer could not be read.
      if (answer.category === "bad-response") return t("interest-okx-unreadable", { code: escapeHtml(answer.code) });
      return isPassingTrouble(answer.category)
        ? t("interest-okx-down", { code: escapeHtml(answer.code) })
        : t("interest-key-broken", { code: escapeHtml(answer.code), message: escapeHtml(answer.message) });
  }
}

/**
 * The view a command's arguments ask for, from the user's defaults; undefined once a bad argument, or the
 * lack of any key, is answered (at once, with no "Asking OKX…" before it).
 */
export async function commandView(
  ctx: BotContext & { match: string; from: { id: number } },
  preferences: PreferenceStore,
  interest: InterestService,
): Promise<InterestView | undefined> {
  const [defaults, hasKey] = await Promise.all([preferences.defaultView(ctx.from.id), interest.hasKey(ctx.from.id)]);
  const parsed = parseInterestArguments(ctx.match, defaults);
  if (isArgumentProblem(parsed)) {
    const key = parsed.problem === "period" ? "interest-bad-period" : parsed.problem === "currency" ? "interest-bad-currency" : "interest-usage";
    await ctx.reply(ctx.t(key, { value: escapeHtml(parsed.value) }), { parse_mode: "HTML" });
    return undefined;
  }
  if (!hasKey) {
    await ctx.reply(ctx.t("interest-no-key"));
    return undefined;
  }
  return parsed;
}

/** Shows how far back a long history has loaded, in the message, at most every `PROGRESS_EVERY_MS`. */
export function progressEdits(ctx: BotContext, chatId: number, messageId: number, display: TimeDisplay, now: () => number) {
  let lastProgress = 0;
  return async (progress: HistoryProgress) => {
    if (now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now();
    await edit(ctx, chatId, messageId, ctx.t("interest-progress", { date: formatDate(progress.coveredFrom, display), pages: progress.pages }));
  };
}

/** The user's zone and language, which every time in an answer is shown in. */
export async function timeDisplay(ctx: BotContext, preferences: PreferenceStore): Promise<TimeDisplay> {
  return { zone: await preferences.timeZone(ctx.from!.id), locale: await ctx.i18n.getLocale() };
}

/** `/interest [CCY] [PERIOD]`: a summary with filter buttons; every press edits the same message. */
export function interestFeature(dependencies: InterestFeatureDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const now = dependencies.now ?? Date.now;
  const privateChats = feature.chatType("private");

  /** The message for an answer: the summary with its buttons, or why there is none. */
  function message(ctx: BotContext, view: InterestView, answer: InterestAnswer, display: TimeDisplay): { text: string; keyboard?: InlineKeyboard } {
    if (answer.kind !== "summary") return { text: answerText(ctx.t, answer) };
    const notes = figureNotes(ctx.t, answer, display);
    const keyboard = summaryKeyboard(ctx.t, view);
    if (answer.summary.currencies.length > 0)
      return { text: renderSummary(ctx.t, view, answer.summary, { ...display, now: now(), notes }), keyboard };
    const known = [...new Set(answer.lines.map((line) => line.ccy))];
    let text: string;
    if (known.length === 0) text = ctx.t("interest-no-history");
    else if (view.ccy !== undefined && !known.includes(view.ccy)) text = ctx.t("interest-never-borrowed", { ccy: view.ccy, known: known.join(", ") });
    else text = ctx.t("interest-empty", { filter: "", hint: ctx.t("interest-usage") });
    return { text: [...notes, text].join("\n"), keyboard };
  }

  async function show(ctx: BotContext, chatId: number, messageId: number, view: InterestView): Promise<void> {
    const userId = ctx.from!.id;
    // Registered first: whatever fails after, the message does not go on saying "Loading…".
    const ticket = await pendingTicket(ctx, dependencies.pending, { chat: chatId, message: messageId, again: encodeView("iv", view) });
    let answer: InterestAnswer, claim: string, display: TimeDisplay;
    try {
      [claim, display] = await Promise.all([dependencies.claims.claim(chatId, messageId, FOLLOW_FOR_MS), timeDisplay(ctx, dependencies.preferences)]);
      const onProgress = progressEdits(ctx, chatId, messageId, display, now);
      answer = await dependencies.interest.summary(userId, view, { priority: "interactive", onProgress, budgetMs: dependencies.historyBudgetMs });
      const { text, keyboard } = message(ctx, view, answer, display);
      await edit(ctx, chatId, messageId, text, keyboard);
    } catch (error) {
      await ticket.failed();
      throw error;
    }
    // A summary of part of the history is still in progress while it keeps itself up to date.
    if (answer.kind === "summary" && answer.partialFrom !== undefined) void follow(ctx, chatId, messageId, view, display, claim, ticket);
    else await ticket.done();
  }

  /**
   * Keeps a summary answered from part of the history up to date while the rest loads: the figures held
   * so far at most every `FOLLOW_PROGRESS_MS`, then once more when all is in. Stops as soon as a later
   * answer claims the message.
   */
  async function follow(
    ctx: BotContext,
    chatId: number,
    messageId: number,
    view: InterestView,
    display: TimeDisplay,
    claim: string,
    ticket: PendingTicket,
  ): Promise<void> {
    const ours = () => dependencies.claims.holds(chatId, messageId, claim);
    try {
      await keepUp(ctx, chatId, messageId, view, display, ours);
    } catch (error) {
      dependencies.onFollowError?.(error);
      // A later answer may have the message now: it is not told this one failed.
      if (await ours().catch(() => true)) return ticket.failed();
    }
    await ticket.done().catch((error: unknown) => dependencies.onFollowError?.(error));
  }

  async function keepUp(
    ctx: BotContext,
    chatId: number,
    messageId: number,
    view: InterestView,
    display: TimeDisplay,
    ours: () => Promise<boolean>,
  ): Promise<void> {
    const userId = ctx.from!.id;
    let shown = now();
    const onProgress = async (progress: HistoryProgress) => {
      if (now() - shown < FOLLOW_PROGRESS_MS || !(await ours())) return;
      shown = now();
      const held = await dependencies.interest.heldSummary(userId, view, progress.coveredFrom);
      const { text, keyboard } = message(ctx, view, held, display);
      await edit(ctx, chatId, messageId, text, keyboard);
    };
    const answer = await dependencies.interest.summary(userId, view, { priority: "background", onProgress, budgetMs: FOLLOW_FOR_MS });
    if (!(await ours())) return;
    const { text, keyboard } = message(ctx, view, answer, display);
    await edit(ctx, chatId, messageId, text, keyboard);
  }

  privateChats.command("interest", async (ctx) => {
    const parsed = await commandView(ctx, dependencies.preferences, dependencies.interest);
    if (parsed === undefined) return;
    const message = await ctx.reply(ctx.t("interest-loading"));
    await show(ctx, ctx.chat.id, message.message_id, parsed);
  });

  feature
    .chatType(["group", "supergroup"])
    .command("interest", (ctx) => ctx.reply(ctx.t("connect-private-only", { link: `https://t.me/${ctx.me.username}?start=interest` })));

  // Buttons: honoured only in the private chat of the user who pressed them, and only when well formed.
  feature.on("callback_query:data", async (ctx, next) => {
    const decoded = decodeView(ctx.callbackQuery.data);
    if (decoded === undefined || !["iv", "ic", "ii", "ir"].includes(decoded.action)) return next();
    const message = ctx.callbackQuery.message;
    if (message === undefined || message.chat.type !== "private" || message.chat.id !== ctx.from.id) {
      return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
    }
    await ctx.answerCallbackQuery();
    const { action, view, page } = decoded;
    if (action === "iv") return show(ctx, message.chat.id, message.message_id, view);
    if (action === "ir") {
      const records = await dependencies.interest.records(ctx.from.id, view, page, await dependencies.preferences.pageSize(ctx.from.id));
      if (records === undefined) return edit(ctx, message.chat.id, message.message_id, ctx.t("interest-no-key"));
      const { text, keyboard } = renderRecords(ctx.t, view, page, records, await timeDisplay(ctx, dependencies.preferences));
      return edit(ctx, message.chat.id, message.message_id, text, keyboard);
    }
    const lines = await dependencies.interest.lines(ctx.from.id);
    const choices =
      action === "ic"
        ? [...new Set(lines.map((line) => line.ccy))]
        : [...new Set(lines.filter((line) => line.instId !== "" && (view.ccy === undefined || line.ccy === view.ccy)).map((line) => line.instId))];
    await ctx.api.editMessageReplyMarkup(message.chat.id, message.message_id, {
      reply_markup: pickerKeyboard(ctx.t, view, action === "ic" ? "ccy" : "instId", choices.slice(0, 40)),
    });
  });
  return feature;
}
