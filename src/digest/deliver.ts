import { GrammyError, HttpError, type Api, type InlineKeyboard, type Transformer } from "grammy";
import { buildDigest, digestWindows, type AccountDigest } from "../domain/digest.js";
import { isoDate, localDate, type TimeDisplay } from "../domain/time.js";
import type { Logger } from "../log.js";
import { isPassingTrouble } from "../okx/errors.js";
import type { FigureNotes, InterestService, NoFigures } from "../services/interest.js";
import type { BeginAnswer, DayClaim, DigestMarks } from "../store/digest-marks.js";
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

/** A send's hooks on its payload (a symbol key: never serialised), run by `onTheWire`. */
const ON_THE_WIRE = Symbol("digest send leaves");

interface WireHooks {
  /** Before each try leaves. */
  begin(): Promise<BeginAnswer>;
  /** Telegram answered the try with an error, or it never left. */
  refused(): Promise<void>;
}

class TakenOver extends Error {}

/** A try of the send got no answer: it may have been delivered. */
class Unanswered extends Error {
  override readonly name = "Unanswered";
}

/** Network errors raised before any byte of the request left: nothing can have been delivered. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

function neverLeft(error: HttpError): boolean {
  const cause = error.error as { code?: unknown } | undefined;
  return typeof cause?.code === "string" && NOT_SENT_CODES.has(cause.code);
}

/**
 * The innermost transformer of the digests' Api, below the retries, so it runs on every try: a send's day
 * turns "sending" only as the try leaves, after any throttle or retry wait outside it, so a worker that
 * dies while a digest waits there leaves a claim another run can take over, not an uncertain send. An
 * error answer from Telegram (a 429 to wait out, say) turns the day back into this run's claim for the
 * next try; a try that got no answer (a timeout, a dropped connection) may have been delivered: it ends the
 * send, is not retried, and the day stays "sending" (the mark would refuse a second try anyway).
 */
export const onTheWire: Transformer = async (previous, method, payload, signal) => {
  const hooks = (payload as Record<symbol, unknown>)[ON_THE_WIRE] as WireHooks | undefined;
  if (hooks === undefined) return previous(method, payload, signal);
  const answer = await hooks.begin();
  if (answer === "taken-over") throw new TakenOver();
  if (answer === "uncertain") throw new Unanswered("an earlier try of this digest got no answer");
  const result = await previous(method, payload, signal).catch(async (error: unknown) => {
    if (!(error instanceof HttpError)) throw error;
    if (!neverLeft(error)) throw new Unanswered(error.message, { cause: error });
    await hooks.refused();
    throw error;
  });
  if (!result.ok) await hooks.refused();
  return result;
};

/** Worth trying again later: OKX is down, or another run of the same day is still preparing. */
export class DigestRetry extends Error {
  override readonly name = "DigestRetry";
}

const LATE_AFTER_MS = 15 * 60_000;
const MAX_RATE_LIMITED = 5;

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

  const outcome = await send(dependencies, run.userId, claim, message.text, message.keyboard);
  if (outcome === "blocked") {
    await preferences.setDigest(run.userId, { ...settings, on: false });
    await dependencies.schedule.remove(run.userId);
    logger.info({ user: run.userId }, "digest: the user blocked the bot; schedule switched off");
  }
  return outcome === "sent" ? message.delivered : outcome;
}

/**
 * Sends in the next shared slot; on 429 every replica waits Telegram's `retry_after`, then this send tries
 * again. A send that got no answer is not tried again: it may have arrived.
 */
async function send(
  dependencies: DigestDeliveryDependencies,
  userId: number,
  claim: DayClaim,
  text: string,
  keyboard?: InlineKeyboard,
): Promise<"sent" | "blocked" | "taken-over" | "uncertain"> {
  const hooks: WireHooks = { begin: () => claim.begin(), refused: () => claim.refused() };
  const options = { parse_mode: "HTML" as const, reply_markup: keyboard, link_preview_options: { is_disabled: true }, [ON_THE_WIRE]: hooks };
  for (let attempt = 0; ; attempt++) {
    await dependencies.pacer.slot();
    try {
      await dependencies.api.sendMessage(userId, text, options);
      await claim.sent();
      return "sent";
    } catch (error) {
      if (error instanceof TakenOver) return "taken-over";
      if (error instanceof Unanswered) {
        dependencies.logger.warn({ user: userId, err: error }, "digest: the send got no answer; it may have arrived, so it is not sent again");
        return "uncertain";
      }
      if (error instanceof GrammyError && error.error_code === 429 && attempt < MAX_RATE_LIMITED) {
        await dependencies.pacer.pause((error.parameters.retry_after ?? 1) * 1000);
        continue;
      }
      // Telegram answered, or the request never left: nothing was delivered, and the day is given back.
      await claim.release();
      if (error instanceof GrammyError && error.error_code === 403) return "blocked";
      throw error;
    }
  }
}
