import { parseClockTime, type ClockTime } from "./clock-time.js";
import type { InterestRecord } from "./interest-record.js";
import { Decimal } from "./money.js";
import { summarize, yearlyRate } from "./summary.js";
import { addDays, localDate, wallClock, zonedTime } from "./time.js";

const HOUR_MS = 3600_000;
/** The average a spike is measured against: the line's last seven days. */
export const ALERT_WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * What an alert watches on each borrowing line, at its newest hour:
 * - `yearly`: the hourly rate × 8,760, against a fraction (0.2 for 20 %);
 * - `spike`: the hourly rate as a multiple of its 7-day average;
 * - `daily`: what the next 24 h cost at the rate and liability now, in the line's currency.
 */
export const ALERT_KINDS = ["yearly", "spike", "daily"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRule {
  kind: AlertKind;
  /** One currency; unset: every currency (a `daily` amount is then read in each line's own currency). */
  ccy?: string;
  /** A positive decimal. */
  level: string;
}

/** Alerts wait while a clock in the person's zone is between `from` (included) and `to` (excluded). */
export interface QuietHours {
  from: ClockTime;
  to: ClockTime;
}

export interface AlertSettings {
  rules: AlertRule[];
  quiet?: QuietHours;
  /** The language the alerts are worded in, when the person has not chosen one with /lang. */
  locale: string;
}

export const NO_ALERTS: AlertSettings = { rules: [], locale: "en" };

/** At most this many rules: a kind per currency for a handful of currencies. */
export const MAX_ALERT_RULES = 12;

/** `yearly:USDT`, `spike:*`. */
export const ruleId = (rule: Pick<AlertRule, "kind" | "ccy">): string => `${rule.kind}:${rule.ccy ?? "*"}`;

export interface AlertLine {
  ccy: string;
  mgnMode: string;
  instId: string;
}

/** `USDT|cross|`, `USDT|isolated|BTC-USDT`. */
export const lineId = (line: AlertLine): string => `${line.ccy}|${line.mgnMode}|${line.instId}`;

/** One line's figures at an hour, as an alert shows them. */
export interface LineFigures {
  line: AlertLine;
  hour: number;
  /** Hourly rate at `hour`. */
  rate: Decimal;
  /** Hourly rate an hour before, if the line borrowed then. */
  previousRate: Decimal | undefined;
  /** Hourly rate over the seven days up to `hour`, weighted by liability. */
  averageRate: Decimal;
  liability: Decimal;
  /** What the next 24 h cost at `rate` and `liability`. */
  next24h: Decimal;
}

/**
 * The figures of every line with a record at `hour`, from the records of the week up to it (any lines,
 * any order). A line without one at that hour borrows nothing now: it has no figures, and so is below
 * every level.
 */
export function lineFigures(records: readonly InterestRecord[], hour: number): LineFigures[] {
  const byLine = new Map<string, InterestRecord[]>();
  for (const record of records) {
    const id = lineId(record);
    const held = byLine.get(id);
    if (held === undefined) byLine.set(id, [record]);
    else held.push(record);
  }
  const figures: LineFigures[] = [];
  for (const lineRecords of byLine.values()) {
    const now = summarize(lineRecords, hour - ALERT_WEEK_MS + HOUR_MS, hour).currencies[0];
    if (now?.currentRate === undefined || now.latestTs !== hour) continue;
    const before = summarize(lineRecords, hour - HOUR_MS, hour - HOUR_MS).currencies[0];
    const { ccy, mgnMode, instId } = lineRecords[0]!;
    figures.push({
      line: { ccy, mgnMode, instId },
      hour,
      rate: now.currentRate,
      previousRate: before?.latestTs === hour - HOUR_MS ? before.currentRate : undefined,
      averageRate: now.averageRate,
      liability: now.currentLiability,
      next24h: now.currentLiability.times(now.currentRate).times(24),
    });
  }
  return figures.sort((a, b) => lineId(a.line).localeCompare(lineId(b.line)));
}

/** The figure a rule compares with its level; none for a spike on a line whose average is zero. */
export function figureOf(kind: AlertKind, figures: LineFigures): Decimal | undefined {
  if (kind === "yearly") return yearlyRate(figures.rate);
  if (kind === "daily") return figures.next24h;
  return figures.averageRate.isZero() ? undefined : figures.rate.dividedBy(figures.averageRate);
}

const applies = (rule: AlertRule, line: AlertLine) => rule.ccy === undefined || rule.ccy === line.ccy;

/** `yearly:USDT@USDT|cross|`: one rule on one line, the unit of an alert's state. */
export const watchId = (rule: Pick<AlertRule, "kind" | "ccy">, line: AlertLine): string => `${ruleId(rule)}@${lineId(line)}`;

export interface AlertCrossing {
  rule: AlertRule;
  figures: LineFigures;
  /** The figure that reached the level. */
  figure: Decimal;
}

export interface AlertEvaluation {
  /** Every rule and line at or above its level now (`watchId`s, sorted). */
  above: string[];
  /** The rules and lines that reached their level this hour, having been below it. */
  crossings: AlertCrossing[];
}

/**
 * One hour of an account's alerts, with hysteresis: a rule on a line alerts when its figure reaches the
 * level (at or above) having been below it, and not again until the figure has gone back below it. `above`
 * is what was at or above the level at the hour evaluated before.
 */
export function evaluateAlerts(rules: readonly AlertRule[], figures: readonly LineFigures[], above: ReadonlySet<string>): AlertEvaluation {
  const now: string[] = [];
  const crossings: AlertCrossing[] = [];
  for (const rule of rules) {
    const level = new Decimal(rule.level);
    for (const line of figures) {
      if (!applies(rule, line.line)) continue;
      const figure = figureOf(rule.kind, line);
      if (figure === undefined || figure.lessThan(level)) continue;
      const id = watchId(rule, line.line);
      now.push(id);
      if (!above.has(id)) crossings.push({ rule, figures: line, figure });
    }
  }
  return { above: now.sort(), crossings };
}

const minuteOfDay = (time: ClockTime) => time.hour * 60 + time.minute;

/**
 * When the quiet hours holding an alert at `now` end, on the zone's clock (the next time it shows `to`,
 * however long the night is across a daylight-saving change); undefined outside them.
 */
export function quietUntil(now: number, quiet: QuietHours | undefined, zone: string): number | undefined {
  if (quiet === undefined) return undefined;
  const from = minuteOfDay(quiet.from);
  const to = minuteOfDay(quiet.to);
  const clock = wallClock(now, zone);
  const minute = clock.hour * 60 + clock.minute;
  const inside = from < to ? minute >= from && minute < to : from > to && (minute >= from || minute < to);
  if (!inside) return undefined;
  const today = localDate(now, zone);
  const end = zonedTime(today, quiet.to.hour, quiet.to.minute, zone);
  return end > now ? end : zonedTime(addDays(today, 1), quiet.to.hour, quiet.to.minute, zone);
}

/** A level as typed: a number with `,` or `.`, then `%` (a year) or `x`, `×`, `倍` (the average), if any. */
const LEVEL = /^(\d+(?:[.,]\d+)?)\s*(%|x|×|倍)?$/i;
/** A currency among the words of a typed rule. */
const TYPED_CURRENCY = /^[a-z][a-z0-9]{1,11}$/i;
/** A yearly level beyond 10,000 % is a typo, not a level. */
const MAX_YEARLY = new Decimal(100);

/**
 * A rule of `kind` from typed text: the level and, when a currency is named, that currency only: `20`,
 * `20 %`, `30% BTC` a year; `3`, `3x USDT` the 7-day average; `5`, `5 USDT` a day (an amount without a
 * currency is read in each line's own). Yearly levels are kept as fractions (`20 %` is `0.2`). Undefined
 * for anything else: no number, zero, a unit of another kind, a spike of at most 1×.
 */
export function parseRule(kind: AlertKind, text: string): { level: string; ccy?: string } | undefined {
  const words = text.normalize("NFKC").trim().split(/\s+/);
  const currencies = words.filter((word) => TYPED_CURRENCY.test(word) && word.toLowerCase() !== "x");
  if (currencies.length > 1) return undefined;
  const match = LEVEL.exec(words.filter((word) => !currencies.includes(word)).join(""));
  if (match === null) return undefined;
  const unit = match[2]?.toLowerCase();
  const value = new Decimal(match[1]!.replace(",", "."));
  if (value.isZero()) return undefined;
  let level: Decimal | undefined;
  if (kind === "yearly") level = unit === undefined || unit === "%" ? value.dividedBy(100) : undefined;
  else if (kind === "spike") level = unit !== "%" && value.greaterThan(1) ? value : undefined;
  else level = unit === undefined ? value : undefined;
  if (level === undefined || (kind === "yearly" && level.greaterThan(MAX_YEARLY))) return undefined;
  return { level: level.toFixed(), ...(currencies[0] === undefined ? {} : { ccy: currencies[0].toUpperCase() }) };
}

/** Quiet hours as typed: `22:00-07:00`, `22-7`, `22:30 – 6:45`; undefined for anything else or an empty stretch. */
export function parseQuietHours(text: string): QuietHours | undefined {
  const parts = text
    .normalize("NFKC")
    .split(/\s*(?:-|–|—|~|to|至|到)\s*/i)
    .filter((part) => part !== "");
  if (parts.length !== 2) return undefined;
  const from = parseClockTime(parts[0]!);
  const to = parseClockTime(parts[1]!);
  if (from === undefined || to === undefined || minuteOfDay(from) === minuteOfDay(to)) return undefined;
  return { from, to };
}

/** An alert decided and waiting to be sent (or held by quiet hours): every figure as a decimal string. */
export interface PendingAlert {
  /** The account, the watch and the hour: `<uid>|<watch>|<hour>`, the same however often the hour is evaluated. */
  id: string;
  uid: string;
  /** The account as the person knows it: its label, or its UID. */
  account: string;
  /** The account's slot among the person's several (`InterestView.account`), for its line's view; none with one account. */
  slot?: number;
  rule: AlertRule;
  line: AlertLine;
  hour: number;
  figure: string;
  rate: string;
  previousRate?: string;
  averageRate: string;
  liability: string;
  next24h: string;
  /** Held by quiet hours until then, ms. */
  heldUntil?: number;
}

export function pendingAlert(
  crossing: AlertCrossing,
  account: { uid: string; label: string; slot?: number },
  heldUntil: number | undefined,
): PendingAlert {
  const { rule, figures } = crossing;
  const watch = watchId(rule, figures.line);
  return {
    id: `${account.uid}|${watch}|${figures.hour}`,
    uid: account.uid,
    account: account.label === "" ? account.uid : account.label,
    ...(account.slot === undefined ? {} : { slot: account.slot }),
    rule,
    line: figures.line,
    hour: figures.hour,
    figure: crossing.figure.toFixed(),
    rate: figures.rate.toFixed(),
    ...(figures.previousRate === undefined ? {} : { previousRate: figures.previousRate.toFixed() }),
    averageRate: figures.averageRate.toFixed(),
    liability: figures.liability.toFixed(),
    next24h: figures.next24h.toFixed(),
    ...(heldUntil === undefined ? {} : { heldUntil }),
  };
}
