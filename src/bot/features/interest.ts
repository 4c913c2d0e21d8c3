import { Composer, type InlineKeyboard } from "grammy";
import { currenciesOf, instrumentsOf } from "../../domain/interest-record.js";
import type { TimeDisplay } from "../../domain/time.js";
import type { InterestView, PagedView } from "../../domain/view.js";
import type { HistoryProgress } from "../../services/history.js";
import type { InterestAnswer, InterestService } from "../../services/interest.js";
import type { MessageClaims } from "../../store/message-claims.js";
import type { PendingAnswers } from "../../store/pending-answers.js";
import type { PreferenceStore } from "../../store/preferences.js";
import { interestButtons } from "../buttons.js";
import { onPress, type PressContext, type PressedMessage } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { editText } from "../edit.js";
import { pendingTicket, type PendingTicket } from "../pending.js";
import { privateOnly } from "../private-only.js";
import { commandView, progressEdits } from "../question.js";
import { answerText } from "../views/answers.js";
import { accountLine, figureNotes, pickerKeyboard, renderRecords, renderSummary, shownView, summaryKeyboard } from "../views/interest.js";

export interface InterestFeatureDependencies {
  interest: Pick<InterestService, "hasKey" | "summary" | "heldSummary" | "records" | "lines">;
  /** Default view and page size of each person. */
  preferences: Pick<PreferenceStore, "defaultView" | "pageSize">;
  /** How long a question may page back through history before answering with what is held. */
  historyBudgetMs: number;
  /** Which answer each message shows now, so a summary that keeps itself up to date stops once superseded. */
  claims: MessageClaims;
  /** The answers in progress, which another replica finishes if this one dies. */
  pending?: PendingAnswers;
  now?: () => number;
}

/** A summary of part of the history shows the figures held so far at most this often while the rest loads. */
const FOLLOW_PROGRESS_MS = 5_000;
/** How long such a summary keeps itself up to date: a year of one account loads in about three minutes. */
const FOLLOW_FOR_MS = 15 * 60_000;

/** `/interest [CCY] [PERIOD]`: a summary with filter buttons; every press edits the same message. */
export function interestFeature(dependencies: InterestFeatureDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const now = dependencies.now ?? Date.now;
  const privateChats = feature.chatType("private");

  /** The message for an answer: the summary with its buttons, or why there is none. */
  function message(ctx: BotContext, view: InterestView, answer: InterestAnswer, display: TimeDisplay): { text: string; keyboard?: InlineKeyboard } {
    if (answer.kind !== "summary") return { text: answerText(ctx.t, answer) };
    const notes = figureNotes(ctx.t, answer, display);
    const shown = shownView(view, answer.accounts);
    const keyboard = summaryKeyboard(ctx.t, shown, answer.accounts);
    const account = accountLine(ctx.t, answer.accounts);
    if (answer.summary.currencies.length > 0)
      return { text: renderSummary(ctx.t, shown, answer.summary, { ...display, now: now(), notes, account }), keyboard };
    const known = currenciesOf(answer.lines);
    let text: string;
    if (known.length === 0) text = ctx.t("interest-no-history");
    else if (view.ccy !== undefined && !known.includes(view.ccy)) text = ctx.t("interest-never-borrowed", { ccy: view.ccy, known: known.join(", ") });
    else text = ctx.t("interest-empty", { filter: "", hint: ctx.t("interest-usage") });
    return { text: [...account, ...notes, text].join("\n"), keyboard };
  }

  async function show(ctx: BotContext, chatId: number, messageId: number, view: InterestView): Promise<void> {
    const userId = ctx.from!.id;
    // Registered first: whatever fails after, the message does not go on saying "Loading…".
    const ticket = await pendingTicket(ctx, dependencies.pending, {
      chat: chatId,
      message: messageId,
      again: interestButtons.summary.data({ view }),
    });
    let answer: InterestAnswer, claim: string, display: TimeDisplay;
    try {
      [claim, display] = await Promise.all([dependencies.claims.claim(chatId, messageId, FOLLOW_FOR_MS), ctx.display()]);
      const onProgress = await progressEdits(ctx, chatId, messageId, now);
      answer = await dependencies.interest.summary(userId, view, display.zone, {
        priority: "interactive",
        onProgress,
        budgetMs: dependencies.historyBudgetMs,
      });
      const { text, keyboard } = message(ctx, view, answer, display);
      await editText(ctx.api, chatId, messageId, text, keyboard);
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
      ctx.logger.warn({ err: error }, "a summary could not keep itself up to date");
      // A later answer may have the message now: it is not told this one failed.
      if (await ours().catch(() => true)) return ticket.failed();
    }
    await ticket.done().catch((error: unknown) => ctx.logger.warn({ err: error }, "a summary could not keep itself up to date"));
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
      const held = await dependencies.interest.heldSummary(userId, view, display.zone, progress.coveredFrom);
      const { text, keyboard } = message(ctx, view, held, display);
      await editText(ctx.api, chatId, messageId, text, keyboard);
    };
    const answer = await dependencies.interest.summary(userId, view, display.zone, { priority: "background", onProgress, budgetMs: FOLLOW_FOR_MS });
    if (!(await ours())) return;
    const { text, keyboard } = message(ctx, view, answer, display);
    await editText(ctx.api, chatId, messageId, text, keyboard);
  }

  privateChats.command("interest", async (ctx) => {
    const parsed = await commandView(ctx, dependencies);
    if (parsed === undefined) return;
    const message = await ctx.reply(ctx.t("interest-loading"));
    await show(ctx, ctx.chat.id, message.message_id, parsed);
  });

  privateOnly(feature, ["interest"], "interest");

  onPress(feature, interestButtons.summary, async (ctx, { view }, { chatId, messageId }) => {
    await ctx.answerCallbackQuery();
    await show(ctx, chatId, messageId, view);
  });
  onPress(feature, interestButtons.records, async (ctx, { view, page = {} }, { chatId, messageId }) => {
    await ctx.answerCallbackQuery();
    const display = await ctx.display();
    const size = await dependencies.preferences.pageSize(ctx.from.id);
    const records = await dependencies.interest.records(ctx.from.id, view, display.zone, page, size);
    if (records === undefined) return editText(ctx.api, chatId, messageId, ctx.t("interest-no-key"));
    const { text, keyboard } = renderRecords(ctx.t, view, page, records, display);
    await editText(ctx.api, chatId, messageId, text, keyboard);
  });
  const picker =
    (kind: "ccy" | "instId") =>
    async (ctx: PressContext, { view }: PagedView, { chatId, messageId }: PressedMessage) => {
      await ctx.answerCallbackQuery();
      const lines = await dependencies.interest.lines(ctx.from.id, view.account);
      const choices = kind === "ccy" ? currenciesOf(lines) : instrumentsOf(lines, view.ccy);
      await ctx.api.editMessageReplyMarkup(chatId, messageId, { reply_markup: pickerKeyboard(ctx.t, view, kind, choices.slice(0, 40)) });
    };
  onPress(feature, interestButtons.currencies, picker("ccy"));
  onPress(feature, interestButtons.instruments, picker("instId"));
  return feature;
}
