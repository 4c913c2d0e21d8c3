import type { DailyInterest } from "../../domain/daily.js";
import { displayDecimals } from "../../domain/money.js";
import { yearlyRate } from "../../domain/summary.js";
import { formatDate, formatMonthDay, zoneLabel } from "../../domain/time.js";
import type { InterestView } from "../../domain/view.js";
import type { ChartPicture } from "../../render/chart.js";
import { escapeHtml } from "../html.js";
import type { Translate } from "../../domain/translate.js";
import { describeView, lineName, periodName } from "./interest.js";

/** Currencies drawn in one picture; the caption names the rest, each can be charted alone. */
export const MAX_PANELS = 4;

/** `2026-03-29` as the x axis shows it: `29 Mar`, or `3月29日` in Chinese. */
export function dayLabel(date: string, locale: string): string {
  return formatMonthDay({ year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) }, locale);
}

/** What the chart shows, its words in the user's language: one panel per currency, the costliest first. */
export function chartPicture(t: Translate, locale: string, view: InterestView, daily: DailyInterest): ChartPicture {
  // Whole dates with their years: the range's ends may be a year apart.
  const display = { zone: daily.zone, locale };
  const range = t("interest-range", {
    from: formatDate(daily.from, display),
    to: formatDate(daily.to, display),
    zone: zoneLabel(daily.to, daily.zone),
  });
  return {
    // The chart's font has no emoji: the title goes without.
    title: t("chart-title", { what: describeView(t, view), period: periodName(t, view.period, locale) }),
    subtitle: range,
    panels: daily.currencies.slice(0, MAX_PANELS).map((currency) => ({
      heading: currency.ccy,
      amountTitle: t("chart-amount-axis", { ccy: currency.ccy }),
      amountDecimals: displayDecimals(currency.ccy),
      rateTitle: t("chart-rate-axis"),
      lines: currency.lines.map((line) => lineName(t, line)),
      days: currency.days.map((day) => ({
        date: day.date,
        label: dayLabel(day.date, locale),
        byLine: day.byLine.map((amount) => amount.toNumber()),
        // Traders read rates by the year; the hourly rate stays in the text.
        ratePercent: day.rate === undefined ? null : yearlyRate(day.rate).times(100).toNumber(),
      })),
    })),
  };
}

/** The photo's caption: what it shows, what it leaves out, how fresh it is. */
export function chartCaption(t: Translate, locale: string, view: InterestView, daily: DailyInterest, notes: readonly string[]): string {
  const lines = [t("chart-caption", { what: escapeHtml(describeView(t, view)), period: periodName(t, view.period, locale) }), ...notes];
  const others = daily.currencies.slice(MAX_PANELS).map((currency) => currency.ccy);
  if (others.length > 0) lines.push(t("chart-more", { count: others.length, currencies: others.join(", "), example: others[0]! }));
  return lines.join("\n");
}
