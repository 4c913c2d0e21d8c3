import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Composer, InputFile } from "grammy";
import { exportFileName } from "../../domain/csv.js";
import { isoDate, localDate, zoneLabel, type TimeDisplay } from "../../domain/time.js";
import type { InterestView } from "../../domain/view.js";
import type { ChartPicture } from "../../render/chart.js";
import { ChartQueueFull } from "../../render/chart-pool.js";
import { ExportQueueFull, type ExportJob } from "../../render/export-pool.js";
import type { InterestService, SummaryOptions } from "../../services/interest.js";
import type { PendingAnswers } from "../../store/pending-answers.js";
import type { PreferenceStore } from "../../store/preferences.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { pendingTicket, withTicket } from "../pending.js";
import { chartCaption, chartPicture } from "../views/chart.js";
import { describeView, figureNotes, periodName } from "../views/interest.js";
import { interestButtons } from "../buttons.js";
import { onPress } from "../callback-data.js";
import { editText } from "../edit.js";
import { privateOnly } from "../private-only.js";
import { commandView, progressEdits } from "../question.js";
import { answerText } from "../views/answers.js";

export interface ChartFeatureDependencies {
  interest: Pick<InterestService, "hasKey" | "daily" | "export">;
  preferences: Pick<PreferenceStore, "defaultView">;
  /** How long a question may page back through history before answering with what is held. */
  historyBudgetMs: number;
  /** The answers in progress, which another replica finishes if this one dies. */
  pending?: PendingAnswers;
  /** The picture as a PNG (the chart pool's `render`); rejects with `ChartQueueFull` when too many are being drawn. */
  renderChart: (picture: ChartPicture) => Promise<Buffer>;
  /** Writes an export's CSV documents into `folder` (the export pool's `build`); rejects with `ExportQueueFull` when too many are being built. */
  buildExport: (job: ExportJob, folder: string) => Promise<{ files: string[] }>;
  now?: () => number;
}

/** The status message of a chart or an export in progress. */
interface Status {
  display: TimeDisplay;
  options: SummaryOptions;
  say: (text: string) => Promise<void>;
  done: () => Promise<unknown>;
}

/**
 * `/chart` and `/export` (and the summary's 📈 Chart and ⬇ CSV buttons), with the arguments of `/interest`:
 * a PNG of interest per day, or the view's hourly records as CSV documents. Each answers with a new message
 * and leaves the summary as it is.
 */
/** `UTC+1, Europe/Berlin`; a zone whose name is its label (`UTC`) once. */
const zoneNames = (at: number, zone: string) => (zoneLabel(at, zone) === zone ? escapeHtml(zone) : `${zoneLabel(at, zone)}, ${escapeHtml(zone)}`);

export function chartFeature(dependencies: ChartFeatureDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const now = dependencies.now ?? Date.now;
  const privateChats = feature.chatType("private");

  /**
   * A status message that shows progress while history loads; it makes way for the answer. `work` runs
   * while it is registered as an answer in progress (`again` asks once more if it is cut short).
   */
  async function prepared(
    ctx: BotContext,
    chatId: number,
    loadingKey: string,
    again: string,
    work: (status: Status) => Promise<void>,
  ): Promise<void> {
    const display = await ctx.display();
    const status = await ctx.api.sendMessage(chatId, ctx.t(loadingKey));
    const ticket = await pendingTicket(ctx, dependencies.pending, { chat: chatId, message: status.message_id, again });
    const options: SummaryOptions = {
      priority: "interactive",
      onProgress: await progressEdits(ctx, chatId, status.message_id, now),
      budgetMs: dependencies.historyBudgetMs,
    };
    await withTicket(ticket, () =>
      work({
        display,
        options,
        say: (text: string) => editText(ctx.api, chatId, status.message_id, text),
        done: () => ctx.api.deleteMessage(chatId, status.message_id),
      }),
    );
  }

  function sendChart(ctx: BotContext, chatId: number, view: InterestView): Promise<void> {
    return prepared(ctx, chatId, "chart-loading", interestButtons.chart.data({ view }), async ({ display, options, say, done }) => {
      const answer = await dependencies.interest.daily(ctx.from!.id, view, display.zone, options);
      if (answer.kind !== "daily") return say(answerText(ctx.t, answer));
      if (answer.daily.currencies.length === 0) return say(ctx.t("chart-empty"));
      await ctx.api.sendChatAction(chatId, "upload_photo");
      const png = await dependencies.renderChart(chartPicture(ctx.t, display.locale, view, answer.daily)).catch((error: unknown) => {
        if (error instanceof ChartQueueFull) return undefined;
        throw error;
      });
      if (png === undefined) return say(ctx.t("chart-busy"));
      const name = `interest-${view.ccy ?? "all"}-${view.period}.png`;
      await ctx.api.sendPhoto(chatId, new InputFile(png, name), {
        caption: chartCaption(ctx.t, display.locale, view, answer.daily, figureNotes(ctx.t, answer, display, "chart-partial")),
        parse_mode: "HTML",
      });
      await done();
    });
  }

  function sendExport(ctx: BotContext, chatId: number, view: InterestView): Promise<void> {
    return prepared(ctx, chatId, "export-loading", interestButtons.export.data({ view }), (status) => exportTo(ctx, chatId, view, status));
  }

  async function exportTo(ctx: BotContext, chatId: number, view: InterestView, { display, options, say, done }: Status): Promise<void> {
    const { zone } = display;
    const answer = await dependencies.interest.export(ctx.from!.id, view, zone, options);
    if (answer.kind !== "export") return say(answerText(ctx.t, answer));
    const dates = { from: isoDate(localDate(answer.from, zone)), to: isoDate(localDate(answer.to, zone)) };
    const caption = [
      ctx.t("export-caption", {
        what: escapeHtml(describeView(ctx.t, view)),
        period: periodName(ctx.t, view.period, display.locale),
        zone: zoneNames(answer.to, zone),
      }),
      ...figureNotes(ctx.t, answer, display, "chart-partial"),
    ].join("\n");
    const several = answer.parts.length > 1;
    let sent = 0;
    // One set of documents per account: each file says whose it is.
    for (const { account, blocks } of answer.parts) {
      const accountCaption = several ? `${caption}\n${ctx.t("account-shown", { account: escapeHtml(account.name) })}` : caption;
      // Each document goes to a file first, so a retried upload sends the same bytes again.
      const folder = await mkdtemp(join(tmpdir(), "okxi-export-"));
      try {
        const built = await dependencies.buildExport({ blocks, from: answer.from, to: answer.to, zone }, folder).catch((error: unknown) => {
          if (error instanceof ExportQueueFull) return undefined;
          throw error;
        });
        if (built === undefined) return say(ctx.t("export-busy"));
        for (const [index, path] of built.files.entries()) {
          const part = index + 1;
          await ctx.api.sendChatAction(chatId, "upload_document");
          const partCaption = part === 1 ? accountCaption : `${accountCaption}\n${ctx.t("export-part", { part })}`;
          await ctx.api.sendDocument(chatId, new InputFile(path, exportFileName(account.name, view, dates, part)), {
            caption: partCaption,
            parse_mode: "HTML",
          });
          await rm(path);
          sent++;
        }
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    }
    if (sent === 0) return say(ctx.t("export-empty"));
    await done();
  }

  privateChats.command("chart", async (ctx) => {
    const view = await commandView(ctx, dependencies);
    if (view !== undefined) await sendChart(ctx, ctx.chat.id, view);
  });
  privateChats.command("export", async (ctx) => {
    const view = await commandView(ctx, dependencies);
    if (view !== undefined) await sendExport(ctx, ctx.chat.id, view);
  });
  privateOnly(feature, ["chart", "export"], "interest");

  // 📈 Chart and ⬇ CSV under a summary: each answers with a new message and leaves the summary as it is.
  onPress(feature, interestButtons.chart, async (ctx, { view }, { chatId }) => {
    await ctx.answerCallbackQuery();
    await sendChart(ctx, chatId, view);
  });
  onPress(feature, interestButtons.export, async (ctx, { view }, { chatId }) => {
    await ctx.answerCallbackQuery();
    await sendExport(ctx, chatId, view);
  });
  return feature;
}
