import { InlineKeyboard } from "grammy";
import type { AlertRenderer } from "../../alerts/check.js";
import { ALERT_KINDS, type AlertKind, type AlertRule, type AlertSettings, type PendingAlert } from "../../domain/alerts.js";
import { Decimal, formatAmount, formatPercent } from "../../domain/money.js";
import { yearlyRate } from "../../domain/summary.js";
import { clockTime, formatDateTime, type TimeDisplay } from "../../domain/time.js";
import type { Translate } from "../../domain/translate.js";
import { alertButton, interestButtons, type AlertPress } from "../buttons.js";
import { escapeHtml } from "../html.js";
import { modeName } from "./interest.js";

/** Alerts a held message shows, with their buttons (eight blocks stay well within Telegram's 4,096 characters); the rest are counted. */
const MAX_SHOWN = 8;

const hourly = (t: Translate, rate: Decimal) => `${formatPercent(rate)}${t("interest-per-hour")}`;

/** A rule's level as a person reads it: `20 %` a year, `3×` the average, `5` (of each line's currency) a day. */
export function levelText(t: Translate, rule: Pick<AlertRule, "kind" | "level" | "ccy">): string {
  const level = new Decimal(rule.level);
  if (rule.kind === "yearly") return formatPercent(level);
  if (rule.kind === "spike") return `${level.toFixed()}×`;
  return rule.ccy === undefined ? t("alerts-amount-each", { amount: level.toFixed() }) : `${level.toFixed()} ${escapeHtml(rule.ccy)}`;
}

const scope = (t: Translate, rule: Pick<AlertRule, "ccy">) => (rule.ccy === undefined ? t("alerts-all-currencies") : escapeHtml(rule.ccy));

const lineName = (t: Translate, alert: PendingAlert) =>
  `<b>${escapeHtml(alert.line.ccy)}</b> ${modeName(t, alert.line.mgnMode)}${alert.line.instId === "" ? "" : ` ${escapeHtml(alert.line.instId)}`}`;

/** What reached the level, in the rule's own terms. */
function reason(t: Translate, alert: PendingAlert): string {
  const level = levelText(t, alert.rule);
  const figure = new Decimal(alert.figure);
  if (alert.rule.kind === "yearly") return t("alert-reason-yearly", { figure: formatPercent(figure), level });
  if (alert.rule.kind === "spike") return t("alert-reason-spike", { figure: `${figure.toSignificantDigits(3).toFixed()}×`, level });
  return t("alert-reason-daily", { figure: `${formatAmount(figure, alert.line.ccy)} ${escapeHtml(alert.line.ccy)}`, level });
}

function alertBlock(t: Translate, alert: PendingAlert, display: TimeDisplay): string {
  const { ccy } = alert.line;
  const rate = new Decimal(alert.rate);
  const average = new Decimal(alert.averageRate);
  return [
    `${lineName(t, alert)} · ${escapeHtml(alert.account)}`,
    reason(t, alert),
    t("alert-rate", { hourly: hourly(t, rate), yearly: formatPercent(yearlyRate(rate)) }),
    t("alert-before", { rate: alert.previousRate === undefined ? "—" : hourly(t, new Decimal(alert.previousRate)) }),
    t("alert-average", { hourly: hourly(t, average), yearly: formatPercent(yearlyRate(average)) }),
    t("alert-liability", { amount: `${formatAmount(new Decimal(alert.liability), ccy)} ${escapeHtml(ccy)}` }),
    t("alert-next-day", { amount: `${formatAmount(new Decimal(alert.next24h), ccy)} ${escapeHtml(ccy)}` }),
    t("alert-hour", { time: formatDateTime(alert.hour, display) }),
  ].join("\n");
}

/** Under an alert: that line's `/interest` view, snooze the rule on it for 24 h, turn the rule off. */
function alertKeyboard(t: Translate, alerts: readonly PendingAlert[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  alerts.slice(0, MAX_SHOWN).forEach((alert, index) => {
    if (index > 0) keyboard.row();
    const { line, rule } = alert;
    const mgnMode = line.mgnMode === "isolated" ? ("isolated" as const) : ("cross" as const);
    const view = {
      period: "7d" as const,
      ccy: line.ccy,
      mgnMode,
      ...(line.instId === "" ? {} : { instId: line.instId }),
      ...(alert.slot === undefined ? {} : { account: alert.slot }),
    };
    const rulePress = { kind: rule.kind, ...(rule.ccy === undefined ? {} : { ccy: rule.ccy }) };
    keyboard.text(t("alert-button-details", { ccy: line.ccy }), interestButtons.summary.data({ view }));
    const snooze = { step: "snooze" as const, uid: alert.uid, ...rulePress, line: { ...line, mgnMode } };
    // A line whose names would pass the 64 bytes of a button's data (long currency and instrument names) has none.
    if (fitsButton(snooze)) keyboard.text(t("alert-button-snooze"), alertButton.data(snooze));
    keyboard.text(t("alert-button-off"), alertButton.data({ step: "off", ...rulePress }));
  });
  return keyboard;
}

function fitsButton(press: AlertPress): boolean {
  try {
    alertButton.data(press);
    return true;
  } catch {
    return false;
  }
}

/** The alerts' messages in the bot's words: one alert, or what quiet hours held, with every alert's buttons. */
export const alertRenderer: AlertRenderer = {
  alerts(t, alerts, display) {
    const title = alerts.length === 1 ? t("alert-title") : t("alert-title-held", { count: alerts.length });
    const blocks = alerts.slice(0, MAX_SHOWN).map((alert) => alertBlock(t, alert, display));
    const more = alerts.length > MAX_SHOWN ? ["", t("alert-more", { count: alerts.length - MAX_SHOWN })] : [];
    return {
      text: [title, "", blocks.join("\n\n"), ...more].join("\n"),
      keyboard: alertKeyboard(t, alerts),
    };
  },
};

const KIND_ORDER: Record<AlertKind, number> = { yearly: 0, spike: 1, daily: 2 };

/** `/alerts`: every rule, the quiet hours, and how they are checked. */
export function renderAlertSettings(t: Translate, settings: AlertSettings, display: TimeDisplay): string {
  const rules = [...settings.rules].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.ccy ?? "").localeCompare(b.ccy ?? ""));
  const lines = [t("alerts-title"), ""];
  if (rules.length === 0) lines.push(t("alerts-none"));
  for (const rule of rules) lines.push(t(`alerts-rule-${rule.kind}`, { level: levelText(t, rule), scope: scope(t, rule) }));
  lines.push(
    "",
    settings.quiet === undefined
      ? t("alerts-quiet-none")
      : t("alerts-quiet", {
          from: clockTime(settings.quiet.from.hour, settings.quiet.from.minute),
          to: clockTime(settings.quiet.to.hour, settings.quiet.to.minute),
          zone: escapeHtml(display.zone),
        }),
    t("alerts-how"),
  );
  return lines.join("\n");
}

/** Under the settings: set a rule of each kind, remove each rule, quiet hours. */
export function alertSettingsKeyboard(t: Translate, settings: AlertSettings): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const kind of ALERT_KINDS) keyboard.text(t(`alerts-button-${kind}`), alertButton.data({ step: "set", kind }));
  settings.rules.forEach((rule, index) => {
    if (index % 2 === 0) keyboard.row();
    const press = { kind: rule.kind, ...(rule.ccy === undefined ? {} : { ccy: rule.ccy }) };
    keyboard.text(
      t("alerts-button-remove", { rule: t(`alerts-kind-${rule.kind}`), scope: rule.ccy ?? "*" }),
      alertButton.data({ step: "remove", ...press }),
    );
  });
  keyboard.row().text(t("alerts-button-quiet"), alertButton.data({ step: "quiet" }));
  if (settings.quiet !== undefined) keyboard.text(t("alerts-button-quiet-off"), alertButton.data({ step: "quiet-off" }));
  return keyboard;
}
