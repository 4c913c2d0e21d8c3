import type { Api, InlineKeyboard } from "grammy";
import { buildDigest, digestWindows, type AccountDigest } from "../domain/digest.js";
import { isoDate, localDate, type TimeDisplay } from "../domain/time.js";
import type { Logger } from "../log.js";
import { isPassingTrouble } from "../okx/errors.js";
import type { FigureNotes, InterestService, NoFigures } from "../services/interest.js";
import type { DigestMarks } from "../store/digest-marks.js";
import { sendOnce } from "../services/send-once.js";
import type { PreferenceStore } from "../store/preferences.js";
import type { SendPacer } from "../store/send-pacer.js";
import type { Translate } from "../domain/translate.js";
import type { DigestSchedule } from "./schedule.js";

/** What a digest's message is made of besides the digest itself. */
export interface DigestMessageContext extends TimeDisplay {
  now: number;
  /** What qualifies the figures: a stale cache, a history still loading. */
  figures: FigureNotes;
  /** Set when the digest went out well after it was due (every replica was down). */
  lateFrom?: number;
}

/** The words of a digest's messages (HTML), passed in: digests know nothing of the bot's views. */
export interface DigestRenderer {
  /** The day's digest, one part per account, and the buttons under it. */
  digest(t: Translate, parts: AccountDigest[], context: DigestMessageContext): { text: string; keyboard: InlineKeyboard };
  /** Tells the user their key gives no figures any more (gone, unreadable, refused by OKX). */
  keyNotice(t: Translate, answer: NoFigures): string;
}

export interface DigestDeliveryDependencies {
  interest: Pick<InterestService, "accrued">;
  preferences: PreferenceStore;
  marks: DigestMarks;
  pacer: SendPacer;
  schedule: DigestSchedule;
  /** grammY's Api against Telegram (or the fake Bot API), with `onTheWire` as its innermost transformer. */
  api: Api;
  translate(locale: string): Translate;
  renderer: DigestRenderer;
  logger: Logger;
  now?: () => number;
  /** A digest sent this long after it was due says so. */
  lateAfterMs?: number;
}

/** One digest to deliver: a scheduled run (due at `dueAt`) or a "Send now". */
export interface DigestRun {
  jobId: string;
  userId: number;
  dueAt: number;
  manual: boolean;
}

export type DigestOutcome =
  /** The digest went out. */
  | "sent"
  /** The key stopped working: the user was told, once. */
  | "key-notice"
  /** The key still does not work and the user knows: nothing sent. */
  | "quiet"
  /** The digest was switched off after it was scheduled. */
  | "off"
  /** Another run already sent this day's digest. */
  | "already-sent"
  /** A run died, or its request got no answer, while its message was on the wire; it may have arrived, so none is sent again. */
  | "uncertain"
  /** This run stalled and another took over. */
  | "taken-over"
  /** The user blocked the bot: their schedule is off now. */
  | "blocked";

/** Worth trying again later: OKX is down, or another run of the same day is still preparing. */
export class DigestRetry extends Error {
  override readonly name = "DigestRetry";
}

const LATE_AFTER_MS = 15 * 60_000;

/**
 * Makes and sends one user's digest, at most once per local day however often it is run (two replicas, a
 * retry, a run taken over after a crash): the day is claimed first, the message goes out in a send slot
 * shared by every replica, and the day is marked sent.
 */
export async function deliverDigest(dependencies: DigestDeliveryDependencies, run: DigestRun): Promise<DigestOutcome> {
  const { preferences, marks, renderer, logger } = dependencies;
  const now = dependencies.now ?? Date.now;
  const startedAt = now();
  const settings = await preferences.digest(run.userId);
  if (!run.manual && !settings.on) return "off";
  const zone = await preferences.timeZone(run.userId);
  const dueDate = localDate(run.dueAt, zone);
  const claim = await marks.claim(run.userId, run.manual ? `now-${run.jobId}` : isoDate(dueDate), run.jobId);
  if (claim === "busy") throw new DigestRetry("another run of this day is preparing it");
  if (claim === "sent") return "already-sent";
  if (claim === "sending") {
    logger.warn({ user: run.userId, job: run.jobId }, "digest: an earlier run died while sending; not sending again");
    return "uncertain";
  }
  const locale = (await preferences.language(run.userId)) ?? settings.locale;
  const t = dependencies.translate(locale);

  const windows = digestWindows(dueDate, zone);
  const answer = await dependencies.interest.accrued(run.userId, windows.from, { priority: "background" });
  let message: { text: string; keyboard?: InlineKeyboard; delivered: DigestOutcome };
  if (answer.kind !== "records") {
    if (answer.kind === "okx-error" && isPassingTrouble(answer.category)) {
      await claim.release();
      throw new DigestRetry(`OKX is not answering (${answer.code})`);
    }
    if (!(await marks.firstKeyNotice(run.userId))) {
      await claim.sent();
      return "quiet";
    }
    message = { text: renderer.keyNotice(t, answer), delivered: "key-notice" };
  } else {
    await marks.keyWorks(run.userId);
    // The accounts chosen in /digest (all of them when none is, or none chosen is still held), each its own part.
    const chosen = answer.accounts.filter(({ account }) => settings.accounts.includes(account.uid));
    const covered = chosen.length === 0 ? answer.accounts : chosen;
    const digest = covered.map(({ account, records }) => ({
      ...(answer.accounts.length > 1 ? { account: account.name } : {}),
      digest: buildDigest(records, windows, answer.to, settings.currencies),
    }));
    const late = !run.manual && startedAt - run.dueAt > (dependencies.lateAfterMs ?? LATE_AFTER_MS);
    const context = { zone, locale, now: answer.to, figures: answer, ...(late ? { lateFrom: run.dueAt } : {}) };
    message = { ...renderer.digest(t, digest, context), delivered: "sent" };
  }

  const outcome = await sendOnce({ ...dependencies, what: "digest" }, run.userId, claim, message.text, message.keyboard);
  if (outcome === "blocked") {
    await preferences.setDigest(run.userId, { ...settings, on: false });
    await dependencies.schedule.remove(run.userId);
    logger.info({ user: run.userId }, "digest: the user blocked the bot; schedule switched off");
  }
  return outcome === "sent" ? message.delivered : outcome;
}
