import { InlineKeyboard } from "grammy";
import { Decimal, displayDecimals, formatAmount, formatPercent } from "../../domain/money.js";
import type { AccountTotal, CurrencySummary, Summary } from "../../domain/summary.js";
import { yearlyRate } from "../../domain/summary.js";
import { calendarSpan, isRolling, PERIOD_NAMES, periodRange, type Period } from "../../domain/period.js";
import { formatDate, formatDateTime, formatMonth, formatRange, zoneLabel, type TimeDisplay } from "../../domain/time.js";
import type { InterestView } from "../../domain/view.js";
import { interestButtons, openButton } from "../buttons.js";
import { cursorOf, type RecordsPage } from "../../domain/records-page.js";
import type { AccountRecord, AccountsShown, FigureNotes } from "../../services/interest.js";
import type { Translate } from "../../domain/translate.js";
import { escapeHtml } from "../html.js";
import { cutText } from "../../domain/text.js";
import { fitting, MESSAGE_LIMIT } from "./budget.js";
import { displayWidth, padEndTo } from "./columns.js";

/**
 * Lines that qualify figures: from a stale cache while OKX is down, or from a history still loading (said
 * with `partialKey`: a summary has its 🔄 Refresh button, a chart, a file or a digest does not).
 */
export function figureNotes(t: Translate, answer: FigureNotes, display: TimeDisplay, partialKey = "interest-partial"): string[] {
  const notes: string[] = [];
  if (answer.stale !== undefined) {
    const key = answer.stale.category === "bad-response" ? "interest-stale-unreadable" : "interest-stale";
    notes.push(t(key, { code: escapeHtml(answer.stale.code), date: formatDateTime(answer.stale.asOf, display) }));
  }
  if (answer.partialFrom !== undefined) notes.push(t(partialKey, { date: formatDate(answer.partialFrom, display) }));
  if (answer.keptFrom !== undefined) notes.push(t("interest-kept-from", { date: formatDate(answer.keptFrom, display) }));
  return notes;
}

/** A period in words: `last 7 days`, `this month`, `November 2026`, `2026` (`2026年11月`, `2026年`). */
export function periodName(t: Translate, period: Period, locale: string): string {
  if (isRolling(period) || period === "this-month" || period === "last-month") return t(`period-${period}`);
  // A named month or year is the same on every clock.
  const { year, month, months } = calendarSpan(period, 0, "UTC");
  return formatMonth(year, month, locale, months);
}

/** How many currencies, and lines of each, one summary shows at most: within 4096 characters, it shows fewer. */
const MAX_CURRENCIES = 6;
const MAX_LINES = 12;
const LABEL_WIDTH = 10;

/** A margin mode in the person's language (全仓, 逐仓); OKX's own value where it is neither, `—` where none. */
export const modeName = (t: Translate, mgnMode: string) => (mgnMode === "cross" || mgnMode === "isolated" ? t(`mode-${mgnMode}`) : mgnMode || "—");

/** A borrowing line in words: `cross`, `isolated BTC-USDT`, `逐仓 BTC-USDT`. */
export const lineName = (t: Translate, line: { mgnMode: string; instId: string }) => `${modeName(t, line.mgnMode)} ${line.instId}`.trim();

export const describeView = (t: Translate, view: InterestView) =>
  [view.ccy ?? t("interest-all"), view.mgnMode === undefined ? undefined : modeName(t, view.mgnMode), view.instId].filter(Boolean).join(" · ");

/** Characters of an account's name on a button: the rest of a long name is cut. */
const ACCOUNT_BUTTON_WIDTH = 14;

/**
 * The view with the account it shows named, so every button under it stays on that account; as it is
 * for a person with one account, whose buttons never name one.
 */
export function shownView(view: InterestView, accounts: AccountsShown): InterestView {
  if (accounts.held.length < 2) return view;
  return { ...view, account: accounts.shown === "all" ? "all" : accounts.shown.slot };
}

/** The line under a summary's title naming its account, for a person with several; none with one. */
export function accountLine(t: Translate, accounts: AccountsShown): string[] {
  if (accounts.held.length < 2) return [];
  const name = accounts.shown === "all" ? t("interest-all-accounts", { count: accounts.held.length }) : escapeHtml(accounts.shown.name);
  return [t("account-shown", { account: name })];
}

/** A currency's figures; those "now" of a period that is over are those of its last hour, and nothing is projected. */
function currencyBlock(t: Translate, currency: CurrencySummary, over: boolean): string {
  const { ccy } = currency;
  const row = (label: string, value: string) => `${padEndTo(label, LABEL_WIDTH)} ${value}`;
  const rows = [
    row(t("interest-total"), `${formatAmount(currency.total, ccy)} ${ccy} ${t("interest-hours", { hours: currency.hours })}`),
    row(
      t(over ? "interest-rate-end" : "interest-rate-now"),
      // Nothing borrowed now (a loan repaid): no rate to quote.
      currency.currentRate === undefined
        ? "—"
        : `${formatPercent(currency.currentRate)}${t("interest-per-hour")} ≈ ${formatPercent(yearlyRate(currency.currentRate))} ${t("interest-per-year")}`,
    ),
    row(t("interest-average"), `${formatPercent(currency.averageRate)}${t("interest-per-hour")}`),
    row(
      t(over ? "interest-debt-end" : "interest-debt-now"),
      `${formatAmount(currency.currentLiability, ccy)} ${ccy} (${t("interest-peak", { amount: formatAmount(currency.peakLiability, ccy) })})`,
    ),
  ];
  if (currency.interestFreeLiability !== undefined) {
    rows.push(row(t("interest-free"), `${formatAmount(currency.interestFreeLiability, ccy)} ${ccy}`));
  }
  if (!over) rows.push(row(t("interest-next-30d"), `≈ ${formatAmount(currency.projected30d, ccy)} ${ccy}`));
  // The costliest lines (they come sorted); the rest are a filter away.
  const shown = currency.lines.slice(0, MAX_LINES);
  const width = Math.max(...shown.map((line) => displayWidth(lineName(t, line))));
  const lines = shown.map((line) => `  ${padEndTo(lineName(t, line), width)}  ${formatAmount(line.total, ccy).padStart(displayDecimals(ccy) + 6)}`);
  const rest = currency.lines.length - shown.length;
  const more = rest > 0 ? `\n${t("interest-more-lines", { count: rest, ccy: escapeHtml(ccy) })}` : "";
  const byAccount =
    currency.accounts === undefined ? "" : `\n${t("interest-by-account")}\n<pre>${escapeHtml(accountRows(currency.accounts, ccy))}</pre>`;
  return `<b>${escapeHtml(ccy)}</b>\n<pre>${escapeHtml(rows.join("\n"))}</pre>\n${t("interest-by-line")}\n<pre>${escapeHtml(lines.join("\n"))}</pre>${more}${byAccount}`;
}

/** A currency's interest per account, in columns like its lines. */
function accountRows(accounts: readonly AccountTotal[], ccy: string): string {
  const names = accounts.map((account) => cutText(account.name, 20));
  const width = Math.max(...names.map(displayWidth));
  return accounts
    .map((account, index) => `  ${padEndTo(names[index]!, width)}  ${formatAmount(account.total, ccy).padStart(displayDecimals(ccy) + 6)}`)
    .join("\n");
}

export interface SummaryContext extends TimeDisplay {
  now: number;
  /** The line naming the account shown, for a person with several (`accountLine`). */
  account: string[];
  /** Lines of text that qualify the figures (partial history, stale data). */
  notes: string[];
}

export function renderSummary(t: Translate, view: InterestView, summary: Summary, context: SummaryContext): string {
  const title = t("interest-title", { what: escapeHtml(describeView(t, view)), period: periodName(t, view.period, context.locale) });
  const range = t("interest-range", { ...formatRange(summary.from, summary.to, context), zone: zoneLabel(summary.to, context.zone) });
  const updated = `<i>${t("interest-updated", { time: `${formatDateTime(context.now, context)} ${zoneLabel(context.now, context.zone)}` })}</i>`;
  const head = [title, ...context.account, range, ...context.notes, ""].join("\n");
  const moreNote = (count: number) => t("interest-more", { count });
  // The costliest currencies first, as many as fit beside the note that names how many are left out.
  const over = !isRolling(view.period) && periodRange(view.period, context.now, context.zone).end < context.now;
  const blocks = summary.currencies.slice(0, MAX_CURRENCIES).map((currency) => currencyBlock(t, currency, over));
  const budget = MESSAGE_LIMIT - head.length - updated.length - moreNote(summary.currencies.length).length - 3;
  const shown = blocks.slice(0, fitting(blocks, budget));
  const left = summary.currencies.length - shown.length;
  return [head, ...shown, ...(left > 0 ? [moreNote(left)] : []), updated].join("\n");
}

const mark = (label: string, on: boolean) => (on ? `· ${label} ·` : label);

/**
 * The filter buttons under every summary; the current choice of each row is marked. A person with several
 * accounts has a row more: All, then each account.
 */
export function summaryKeyboard(t: Translate, view: InterestView, accounts: AccountsShown): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (accounts.held.length > 1) {
    keyboard.text(mark(t("button-all"), view.account === "all"), interestButtons.summary.data({ view: { ...view, account: "all" } }));
    accounts.held.forEach((account, index) => {
      if ((index + 1) % 4 === 0) keyboard.row();
      const label = mark(cutText(account.name, ACCOUNT_BUTTON_WIDTH), view.account === account.slot);
      keyboard.text(label, interestButtons.summary.data({ view: { ...view, account: account.slot } }));
    });
    keyboard.row();
  }
  for (const period of PERIOD_NAMES) keyboard.text(mark(period, view.period === period), interestButtons.summary.data({ view: { ...view, period } }));
  keyboard.row();
  for (const period of ["this-month", "last-month"] as const)
    keyboard.text(mark(t(`button-${period}`), view.period === period), interestButtons.summary.data({ view: { ...view, period } }));
  keyboard.row();
  keyboard.text(
    mark(t("button-all-modes"), view.mgnMode === undefined),
    interestButtons.summary.data({ view: { ...view, mgnMode: undefined, instId: undefined } }),
  );
  keyboard.text(
    mark(t("button-cross"), view.mgnMode === "cross"),
    interestButtons.summary.data({ view: { ...view, mgnMode: "cross", instId: undefined } }),
  );
  keyboard.text(mark(t("button-isolated"), view.mgnMode === "isolated"), interestButtons.summary.data({ view: { ...view, mgnMode: "isolated" } }));
  keyboard.row();
  keyboard.text(view.ccy ? t("button-currency", { ccy: view.ccy }) : t("button-any-currency"), interestButtons.currencies.data({ view }));
  keyboard.text(view.instId ? t("button-instrument", { inst: view.instId }) : t("button-any-instrument"), interestButtons.instruments.data({ view }));
  keyboard.row();
  keyboard
    .text(t("button-records"), interestButtons.records.data({ view }))
    .text(t("button-chart"), interestButtons.chart.data({ view }))
    .text(t("button-export"), interestButtons.export.data({ view }));
  keyboard.row().text(t("button-filters"), openButton.data("filters")).text(t("button-refresh"), interestButtons.summary.data({ view }));
  return keyboard;
}

/** A choice among the account's own currencies or instruments; each button opens the summary with it. */
export function pickerKeyboard(t: Translate, view: InterestView, kind: "ccy" | "instId", choices: readonly string[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  keyboard.text(t("button-all"), interestButtons.summary.data({ view: { ...view, [kind]: undefined } }));
  choices.forEach((choice, index) => {
    if ((index + 1) % 4 === 0) keyboard.row();
    const next = kind === "ccy" ? { ...view, ccy: choice } : { ...view, instId: choice, mgnMode: "isolated" as const };
    keyboard.text(view[kind] === choice ? `· ${choice} ·` : choice, interestButtons.summary.data({ view: next }));
  });
  return keyboard.row().text(t("button-back"), interestButtons.summary.data({ view }));
}

/** A page of raw hourly records, newest first, with older/newer buttons. */
export function renderRecords(
  t: Translate,
  view: InterestView,
  page: RecordsPage,
  records: readonly AccountRecord[],
  display: TimeDisplay,
): { text: string; keyboard: InlineKeyboard } {
  const title = t("records-title", { what: escapeHtml(describeView(t, view)), period: periodName(t, view.period, display.locale) });
  const [time = "", ccy = "", mode = "", interest = ""] = t("records-columns").split("|");
  const times = records.map((record) => formatDateTime(Number(record.ts), display));
  // Records of several accounts together say whose each is, before the line.
  const modes = records.map((record) => `${record.account === undefined ? "" : `${cutText(record.account, 10)} · `}${lineName(t, record)}`);
  const timeWidth = Math.max(12, displayWidth(time), ...times.map(displayWidth));
  const modeWidth = Math.max(4, displayWidth(mode), ...modes.map(displayWidth));
  const rows = records.map((record, index) =>
    escapeHtml(
      `${padEndTo(times[index]!, timeWidth)} ${padEndTo(record.ccy, 5)} ${padEndTo(modes[index]!, modeWidth)} ${formatAmount(new Decimal(record.interest), record.ccy)}`,
    ),
  );
  const header = escapeHtml(`${padEndTo(time, timeWidth)} ${padEndTo(ccy, 5)} ${padEndTo(mode, modeWidth)} ${interest}`);
  // As many rows as fit, those next to where the page starts: going newer, the oldest of them. The rest
  // are on the next page, since the buttons page on from the rows shown.
  const leftOutNote = t("records-more", { count: records.length });
  const budget = MESSAGE_LIMIT - title.length - header.length - "<pre></pre>".length - leftOutNote.length - 3;
  const newer = page.before !== undefined;
  const fit = fitting(newer ? [...rows].reverse() : rows, budget);
  const [from, to] = newer ? [rows.length - fit, rows.length] : [0, fit];
  const shown = records.slice(from, to);
  const body = shown.length === 0 ? t("records-empty") : `<pre>${[header, ...rows.slice(from, to)].join("\n")}</pre>`;
  const left = records.length - shown.length;
  const keyboard = new InlineKeyboard();
  const newest = shown[0];
  const oldest = shown[shown.length - 1];
  if (newest !== undefined) keyboard.text(t("button-newer"), interestButtons.records.data({ view, page: { before: cursorOf(newest) } }));
  if (oldest !== undefined) keyboard.text(t("button-older"), interestButtons.records.data({ view, page: { after: cursorOf(oldest) } }));
  keyboard.row().text(t("button-back"), interestButtons.summary.data({ view }));
  return { text: [title, body, ...(left > 0 ? [t("records-more", { count: left })] : [])].join("\n"), keyboard };
}
