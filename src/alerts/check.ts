import type { Api, InlineKeyboard } from "grammy";
import {
  ALERT_WEEK_MS,
  evaluateAlerts,
  lineFigures,
  pendingAlert,
  quietUntil,
  ruleId,
  watchId,
  type AlertSettings,
  type PendingAlert,
} from "../domain/alerts.js";
import type { OkxCredentials } from "../domain/api-key.js";
import { ACCRUAL_LAG_MS, currentHour } from "../domain/current-hour.js";
import type { TimeDisplay } from "../domain/time.js";
import type { Translate } from "../domain/translate.js";
import type { Logger } from "../log.js";
import { isPassingTrouble, OkxError } from "../okx/errors.js";
import type { HistoryLoader } from "../services/history.js";
import { sendOnce } from "../services/send-once.js";
import type { AlertSettingsStore } from "../store/alert-settings.js";
import type { AlertState } from "../store/alert-state.js";
import type { InterestCache } from "../store/interest-cache.js";
import type { RedisLocks } from "../store/locks.js";
import type { PreferenceStore } from "../store/preferences.js";
import type { SendMarks } from "../store/send-marks.js";
import type { SendPacer } from "../store/send-pacer.js";
import type { AlertSchedule } from "./schedule.js";

const HOUR_MS = 3600_000;
/** How long an hour's check waits for an account's newest records (a walk already under way included). */
const FRESH_BUDGET_MS = 120_000;

/** One OKX account of a person, as the alerts see it. */
export interface AlertAccount {
  uid: string;
  /** The name the person knows it by (its key's label); empty: its UID. */
  label: string;
  /** Its slot among the person's several accounts, so an alert's button opens its view; none with one account. */
  slot?: number;
  credentials: OkxCredentials;
}

/** The words of the alerts' messages (HTML), passed in: the alerts know nothing of the bot's views. */
export interface AlertRenderer {
  /** One alert, or everything quiet hours held, as one message with each alert's buttons. */
  alerts(t: Translate, alerts: readonly PendingAlert[], display: TimeDisplay): { text: string; keyboard: InlineKeyboard };
}

export interface AlertDependencies {
  /** The person's OKX accounts. */
  accountsOf(userId: number): Promise<AlertAccount[]>;
  settings: AlertSettingsStore;
  state: AlertState;
  marks: SendMarks;
  cache: Pick<InterestCache, "state" | "range">;
  history: Pick<HistoryLoader, "ensure">;
  locks: Pick<RedisLocks, "with">;
  preferences: Pick<PreferenceStore, "timeZone" | "language">;
  schedule: Pick<AlertSchedule, "release">;
  /** grammY's Api against Telegram, with `onTheWire` as its innermost transformer. */
  api: Api;
  /** The send pace shared with the digests. */
  pacer: SendPacer;
  translate(locale: string): Translate;
  renderer: AlertRenderer;
  logger: Logger;
  now?: () => number;
}

/** Worth trying again later: OKX is down, or another run is sending the same alert. */
export class AlertRetry extends Error {
  override readonly name = "AlertRetry";
}

export interface AlertOutcome {
  /** Accounts whose newest hour was evaluated. */
  checked: number;
  /** Alerts decided, sent at once or held by quiet hours. */
  decided: number;
  /** Messages sent. */
  sent: number;
}

/**
 * One person's hourly check as of `at`: each account's newest hour is fetched (once per account however
 * many of its users are checked: the first check after `at` asks the walk, the others read what it
 * brought), evaluated once, and what it decided sent, each alert at most once.
 */
export async function checkAlerts(dependencies: AlertDependencies, run: { jobId: string; userId: number; at: number }): Promise<AlertOutcome> {
  const { settings: store, preferences } = dependencies;
  const settings = await store.get(run.userId);
  const outcome: AlertOutcome = { checked: 0, decided: 0, sent: 0 };
  if (settings.rules.length === 0) return outcome;
  const zone = await preferences.timeZone(run.userId);
  for (const account of await dependencies.accountsOf(run.userId)) {
    if (!(await freshen(dependencies, account, run.at))) continue;
    const decided = await evaluate(dependencies, run.userId, account, settings, zone);
    if (decided !== undefined) {
      outcome.checked++;
      outcome.decided += decided;
    }
  }
  outcome.sent = await deliverPending(dependencies, run.userId, run.jobId);
  return outcome;
}

/** Brings the account's newest hour into the cache; false when OKX refuses the key (the digests tell the person). */
async function freshen(dependencies: AlertDependencies, account: AlertAccount, at: number): Promise<boolean> {
  const { cache, history, logger } = dependencies;
  try {
    await dependencies.locks.with(
      `alerts:fresh:${account.uid}`,
      async () => {
        // Asked for since the hour's check was due (another user's check, a question): that is the hour's request.
        if ((await cache.state(account.uid)).refreshedAt >= at) return;
        await history.ensure(account.uid, account.credentials, at - ALERT_WEEK_MS - ACCRUAL_LAG_MS, {
          priority: "background",
          // On the walk's clock, which is the machine's.
          deadline: Date.now() + FRESH_BUDGET_MS,
        });
      },
      { holdMs: 30_000, waitMs: FRESH_BUDGET_MS + 30_000 },
    );
    return true;
  } catch (error) {
    if (!(error instanceof OkxError)) throw error;
    if (isPassingTrouble(error.category)) throw new AlertRetry(`OKX is not answering (${error.code})`);
    logger.info({ uid: account.uid, code: error.code }, "alerts: OKX refused the account's key; not checked");
    return false;
  }
}

/** Evaluates the account's newest hour for the person once; the number of alerts decided, or undefined if that hour was evaluated already. */
async function evaluate(
  dependencies: AlertDependencies,
  userId: number,
  account: AlertAccount,
  settings: AlertSettings,
  zone: string,
): Promise<number | undefined> {
  const { cache, state, schedule } = dependencies;
  const now = (dependencies.now ?? Date.now)();
  const records = await cache.range(account.uid, now - ALERT_WEEK_MS - ACCRUAL_LAG_MS, now);
  const latest = records.reduce<number | undefined>((newest, record) => Math.max(newest ?? 0, Number(record.ts)), undefined);
  // Nothing borrowed lately: the hour OKX's lag leaves, at which every line is below every level.
  const hour = currentHour(latest, now) ?? Math.floor((now - ACCRUAL_LAG_MS) / HOUR_MS) * HOUR_MS;
  const previous = await state.account(userId, account.uid);
  if (hour <= previous.hour) return undefined;
  const evaluation = evaluateAlerts(settings.rules, lineFigures(records, hour), previous.above);
  const snoozed = await dependencies.settings.snoozed(userId, account.uid, now);
  const heldUntil = quietUntil(now, settings.quiet, zone);
  const alerts = evaluation.crossings
    .filter((crossing) => !snoozed.has(watchId(crossing.rule, crossing.figures.line)))
    .map((crossing) => pendingAlert(crossing, account, heldUntil));
  if (!(await state.commit(userId, account.uid, hour, evaluation.above, alerts))) return undefined;
  if (heldUntil !== undefined && alerts.length > 0) await schedule.release(userId, heldUntil, now);
  return alerts.length;
}

/**
 * Sends the person's alerts not held by quiet hours, each as its own message, and makes sure what quiet
 * hours hold has its release (a run that died between deciding and scheduling left none). Returns the
 * messages sent.
 */
async function deliverPending(dependencies: AlertDependencies, userId: number, jobId: string): Promise<number> {
  const pending = await dependencies.state.pending(userId);
  const now = (dependencies.now ?? Date.now)();
  for (const heldUntil of new Set(pending.flatMap((alert) => (alert.heldUntil === undefined ? [] : [alert.heldUntil]))))
    await dependencies.schedule.release(userId, heldUntil, now);
  let sent = 0;
  for (const alert of pending.filter((alert) => alert.heldUntil === undefined)) {
    if (await sendAlerts(dependencies, userId, [alert], alert.id, jobId)) sent++;
  }
  return sent;
}

/** What the person's quiet hours held until `at`, as one message; whether it was sent. */
export async function releaseAlerts(dependencies: AlertDependencies, run: { jobId: string; userId: number; at: number }): Promise<boolean> {
  const held = (await dependencies.state.pending(run.userId)).filter((alert) => alert.heldUntil === run.at);
  return held.length > 0 && sendAlerts(dependencies, run.userId, held, `held-${run.at}`, run.jobId);
}

/**
 * Sends alerts as one message named `name`, at most once across every replica and retry (the send marks,
 * as digests are sent), then takes them out of the outbox. Alerts whose rule was turned off, or whose
 * watch was snoozed, since they were decided are dropped. Whether a message went out.
 */
async function sendAlerts(
  dependencies: AlertDependencies,
  userId: number,
  alerts: readonly PendingAlert[],
  name: string,
  jobId: string,
): Promise<boolean> {
  const { state, marks, logger } = dependencies;
  const ids = alerts.map((alert) => alert.id);
  const settings = await dependencies.settings.get(userId);
  const now = (dependencies.now ?? Date.now)();
  const rules = new Set(settings.rules.map(ruleId));
  const wanted: PendingAlert[] = [];
  for (const alert of alerts) {
    const snoozed = await dependencies.settings.snoozed(userId, alert.uid, now);
    if (rules.has(ruleId(alert.rule)) && !snoozed.has(watchId(alert.rule, alert.line))) wanted.push(alert);
  }
  if (wanted.length === 0) {
    await state.done(userId, ids);
    return false;
  }
  const claim = await marks.claim(state.markName(userId, name), jobId);
  if (claim === "busy") throw new AlertRetry("another run is sending this alert");
  if (claim === "sent" || claim === "sending") {
    if (claim === "sending") logger.warn({ user: userId, job: jobId }, "alert: an earlier run died while sending; not sending again");
    await state.done(userId, ids);
    return false;
  }
  const zone = await dependencies.preferences.timeZone(userId);
  const locale = (await dependencies.preferences.language(userId)) ?? settings.locale;
  const message = dependencies.renderer.alerts(dependencies.translate(locale), wanted, { zone, locale });
  const outcome = await sendOnce({ ...dependencies, what: "alert" }, userId, claim, message.text, message.keyboard);
  if (outcome === "taken-over") return false;
  await state.done(userId, ids);
  if (outcome === "blocked") {
    await dependencies.settings.set(userId, { ...settings, rules: [] });
    logger.info({ user: userId }, "alerts: the user blocked the bot; alerts switched off");
  }
  return outcome === "sent";
}
