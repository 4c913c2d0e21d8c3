import { InlineKeyboard } from "grammy";
import type { DigestRenderer } from "../../digest/deliver.js";
import type { AccountDigest, Digest, DigestSettings } from "../../domain/digest.js";
import { Decimal, formatAmount, formatPercent } from "../../domain/money.js";
import { clockTime, COMMON_ZONES, formatDateTime, formatDay, zoneLabel, type TimeDisplay } from "../../domain/time.js";
import { MINUTE_CHOICES } from "../../domain/clock-time.js";
import { digestButton, interestButtons } from "../buttons.js";
import { escapeHtml } from "../html.js";
import { fitting, MESSAGE_LIMIT } from "./budget.js";
import type { Translate } from "../../domain/translate.js";
import { figureNotes } from "./interest.js";
import type { AccountName } from "../../services/interest.js";
import { cutText } from "../../domain/text.js";

const BARS = "▁▂▃▄▅▆▇█";
/** Currencies per digest message; the rest are named in one line. */
const MAX_CURRENCIES = 8;

/** Seven days at a glance: each day's bar scaled to the highest. */
export function sparkline(values: readonly Decimal[]): string {
  const highest = values.reduce((max, value) => Decimal.max(max, value), new Decimal(0));
  if (highest.isZero()) return BARS[0]!.repeat(values.length);
  return values
    .map(
      (value) =>
        BARS[
          value
            .dividedBy(highest)
            .times(BARS.length - 1)
            .round()
            .toNumber()
        ],
    )
    .join("");
}

const signedPercent = (fraction: Decimal) => `${fraction.isNegative() ? "−" : "+"}${formatPercent(fraction.abs(), 2)}`;

export interface DigestContext extends TimeDisplay {
  now: number;
  /** Set when the digest went out well after it was due (every replica was down). */
  lateFrom?: number;
  /** Lines that qualify the figures (stale or partial history). */
  notes: string[];
}

function currencyBlocks(t: Translate, digest: Digest): string[] {
  return digest.currencies.slice(0, MAX_CURRENCIES).map((currency) => {
    const { ccy } = currency;
    const change = currency.change === undefined ? t("digest-change-none") : t("digest-change", { change: signedPercent(currency.change) });
    return [
      `<b>${escapeHtml(ccy)}</b>  ${formatAmount(currency.day, ccy)}  ${change}`,
      `<code>${sparkline(currency.trend)}</code>  ${
        currency.hourlyRate === undefined || currency.yearlyRate === undefined
          ? "—"
          : t("digest-rate", { hourly: formatPercent(currency.hourlyRate), yearly: formatPercent(currency.yearlyRate) })
      }`,
      t("digest-debt", { amount: `${formatAmount(currency.liability, ccy)} ${escapeHtml(ccy)}` }),
      t("digest-month", {
        sofar: formatAmount(currency.monthSoFar, ccy),
        projected: formatAmount(currency.monthProjected, ccy),
        ccy: escapeHtml(ccy),
      }),
    ].join("\n");
  });
}

/** One account's part: its currencies, the day reported against the one before, rate, debt, trend, month. */
function accountPart(t: Translate, { account, digest }: AccountDigest): string {
  const heading = account === undefined ? [] : [`🏦 <b>${escapeHtml(account)}</b>`];
  if (digest.currencies.length === 0) return [...heading, t("digest-nothing")].join("\n");
  const hidden = digest.currencies.slice(MAX_CURRENCIES).map((currency) => currency.ccy);
  const more = hidden.length === 0 ? [] : [t("digest-more", { list: escapeHtml(hidden.join(", ")) })];
  return [...heading, currencyBlocks(t, digest).join("\n\n"), ...more].join("\n");
}

/**
 * The daily digest message: one part per account (each named where there are several), as many as fit
 * in Telegram's 4,096 characters, then the names of those left out.
 */
export function renderDigest(t: Translate, parts: readonly AccountDigest[], context: DigestContext): string {
  const day = parts[0]?.digest.day;
  const title = t("digest-title", { day: day === undefined ? "" : formatDay(day, context.locale) });
  const late =
    context.lateFrom === undefined
      ? []
      : [t("digest-late", { time: `${formatDateTime(context.lateFrom, context)} ${zoneLabel(context.lateFrom, context.zone)}` })];
  if (parts.every(({ digest }) => digest.currencies.length === 0) && parts.length < 2)
    return [title, ...late, ...context.notes, t("digest-nothing")].join("\n");
  const head = [title, ...late, ...context.notes, ""].join("\n");
  const blocks = parts.map((part) => accountPart(t, part));
  const leftOut = (from: number) => parts.slice(from).map((part) => part.account ?? "");
  const budget = MESSAGE_LIMIT - head.length - t("digest-more-accounts", { list: escapeHtml(leftOut(0).join(", ")) }).length - 2;
  const shown = fitting(blocks, budget);
  const more = shown < parts.length ? [t("digest-more-accounts", { list: escapeHtml(leftOut(shown).join(", ")) })] : [];
  return [head, ...blocks.slice(0, shown).join("\n\n").split("\n"), ...more].join("\n");
}

/** Under a digest: each currency's `/interest` view of the last 7 days (of all accounts where there are several), and the settings. */
export function digestKeyboard(t: Translate, parts: readonly AccountDigest[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const several = parts.length > 1;
  const currencies = [...new Set(parts.flatMap(({ digest }) => digest.currencies.slice(0, MAX_CURRENCIES).map((currency) => currency.ccy)))];
  currencies.slice(0, MAX_CURRENCIES).forEach((ccy, index) => {
    if (index > 0 && index % 3 === 0) keyboard.row();
    const view = { period: "7d" as const, ccy, ...(several ? { account: "all" as const } : {}) };
    keyboard.text(t("digest-button-details", { ccy }), interestButtons.summary.data({ view }));
  });
  return keyboard
    .row()
    .text(t("digest-button-settings"), digestButton.data({ step: "menu" }))
    .text(t("digest-button-off"), digestButton.data({ step: "stop" }));
}

/** The digests' messages in the bot's words. */
export const digestRenderer: DigestRenderer = {
  digest: (t, parts, { figures, ...context }) => ({
    text: renderDigest(t, parts, { ...context, notes: figureNotes(t, figures, context, "digest-partial") }),
    keyboard: digestKeyboard(t, parts),
  }),
  keyNotice(t, answer) {
    switch (answer.kind) {
      case "no-key":
      case "account-gone":
        return t("digest-no-key");
      case "unreadable-key":
        return t("digest-key-unreadable");
      case "okx-error":
        if (answer.category === "bad-response") return t("digest-okx-unreadable", { code: escapeHtml(answer.code) });
        return t("digest-key-broken", { code: escapeHtml(answer.code), message: escapeHtml(answer.message) });
    }
  },
};

export interface SettingsContext extends TimeDisplay {
  /** Whether the zone was chosen, or only guessed from the language. */
  zoneChosen: boolean;
  now: number;
  /** When the next digest is due, if it is on. */
  next?: number;
}

export function renderDigestSettings(t: Translate, settings: DigestSettings, context: SettingsContext, accounts: readonly AccountName[]): string {
  const lines = [
    t(settings.on ? "digest-settings-on" : "digest-settings-off"),
    t("digest-settings-time", {
      time: clockTime(settings.hour, settings.minute),
      zone: escapeHtml(context.zone),
      offset: zoneLabel(context.next ?? context.now, context.zone),
    }),
    t("digest-settings-currencies", {
      list: settings.currencies.length === 0 ? t("digest-all-currencies") : escapeHtml(settings.currencies.join(", ")),
    }),
  ];
  if (accounts.length > 1) {
    const chosen = accounts.filter((account) => settings.accounts.includes(account.uid));
    const list = chosen.length === 0 ? t("digest-all-accounts") : escapeHtml(chosen.map((account) => account.name).join(", "));
    lines.push(t("digest-settings-accounts", { list }));
  }
  if (!context.zoneChosen) lines.push(t("digest-zone-guessed"));
  if (settings.on && context.next !== undefined) lines.push(t("digest-settings-next", { time: formatDateTime(context.next, context) }));
  return lines.join("\n");
}

export function digestSettingsKeyboard(t: Translate, settings: DigestSettings, accounts: readonly AccountName[]): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t(settings.on ? "digest-button-off" : "digest-button-on"), digestButton.data({ step: settings.on ? "off" : "on" }))
    .text(t("digest-button-now"), digestButton.data({ step: "now" }))
    .row()
    .text(t("digest-button-time"), digestButton.data({ step: "time" }))
    .text(t("digest-button-zone"), digestButton.data({ step: "zone" }))
    .text(t("digest-button-currencies"), digestButton.data({ step: "ccy" }));
  if (accounts.length > 1) keyboard.row().text(t("digest-button-accounts"), digestButton.data({ step: "acct" }));
  return keyboard;
}

/** The person's accounts to toggle; none chosen means all. */
export function accountKeyboard(t: Translate, settings: DigestSettings, accounts: readonly AccountName[]): InlineKeyboard {
  const chosen = accounts.filter((account) => settings.accounts.includes(account.uid));
  const keyboard = new InlineKeyboard().text(
    chosen.length === 0 ? `· ${t("digest-all-accounts")} ·` : t("digest-all-accounts"),
    digestButton.data({ step: "account", uid: "*" }),
  );
  accounts.forEach((account, index) => {
    if (index % 2 === 0) keyboard.row();
    const name = cutText(account.name, 20);
    keyboard.text(chosen.includes(account) ? `✓ ${name}` : name, digestButton.data({ step: "account", uid: account.uid }));
  });
  return keyboard.row().text(t("button-back"), digestButton.data({ step: "show" }));
}

/** 24 hours, six a row; the chosen one marked. */
export function hourKeyboard(t: Translate, settings: DigestSettings): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (let hour = 0; hour < 24; hour++) {
    if (hour > 0 && hour % 6 === 0) keyboard.row();
    const label = clockTime(hour, 0).slice(0, 2);
    keyboard.text(hour === settings.hour ? `· ${label} ·` : label, digestButton.data({ step: "hour", hour }));
  }
  return keyboard.row().text(t("button-back"), digestButton.data({ step: "show" }));
}

/** The minutes of a chosen hour. */
export function minuteKeyboard(t: Translate, hour: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const minute of MINUTE_CHOICES) keyboard.text(clockTime(hour, minute), digestButton.data({ step: "minute", hour, minute }));
  return keyboard.row().text(t("button-back"), digestButton.data({ step: "time" }));
}

/** Common zones by their index in `COMMON_ZONES` (names can be longer than callback data allows), and a location button. */
export function zoneKeyboard(t: Translate, current: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  COMMON_ZONES.forEach((zone, index) => {
    if (index > 0 && index % 3 === 0) keyboard.row();
    keyboard.text(zone === current ? `· ${zone} ·` : zone, digestButton.data({ step: "common-zone", zone }));
  });
  return keyboard
    .row()
    .text(t("digest-button-location"), digestButton.data({ step: "loc" }))
    .row()
    .text(t("button-back"), digestButton.data({ step: "show" }));
}

/** The account's currencies to toggle; none chosen means all. */
export function currencyKeyboard(t: Translate, settings: DigestSettings, known: readonly string[]): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    settings.currencies.length === 0 ? `· ${t("digest-all-currencies")} ·` : t("digest-all-currencies"),
    digestButton.data({ step: "currency", ccy: "*" }),
  );
  known.forEach((ccy, index) => {
    if (index % 4 === 0) keyboard.row();
    keyboard.text(settings.currencies.includes(ccy) ? `✓ ${ccy}` : ccy, digestButton.data({ step: "currency", ccy }));
  });
  return keyboard.row().text(t("button-back"), digestButton.data({ step: "show" }));
}
