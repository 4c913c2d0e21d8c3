import { GrammyError, HttpError, type Api, type InlineKeyboard, type Transformer } from "grammy";
import type { Logger } from "../log.js";
import type { BeginAnswer, SendClaim } from "../store/send-marks.js";
import type { SendPacer } from "../store/send-pacer.js";

export interface SendOnceDependencies {
  /** grammY's Api against Telegram (or the fake Bot API), with `onTheWire` as its innermost transformer. */
  api: Api;
  /** The send pace every replica shares, digests and alerts alike. */
  pacer: SendPacer;
  logger: Logger;
  /** What is sent, for the logs: `digest`, `alert`. */
  what: string;
}

/** A send's hooks on its payload (a symbol key: never serialised), run by `onTheWire`. */
const ON_THE_WIRE = Symbol("once-only send leaves");

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
 * The innermost transformer of the once-only sends' Api (digests, alerts), below the retries, so it runs on
 * every try: a send's mark turns "sending" only as the try leaves, after any throttle or retry wait outside it, so a worker that
 * dies while a message waits there leaves a claim another run can take over, not an uncertain send. An
 * error answer from Telegram (a 429 to wait out, say) turns the mark back into this run's claim for the
 * next try; a try that got no answer (a timeout, a dropped connection) may have been delivered: it ends the
 * send, is not retried, and the mark stays "sending" (the mark would refuse a second try anyway).
 */
export const onTheWire: Transformer = async (previous, method, payload, signal) => {
  const hooks = (payload as Record<symbol, unknown>)[ON_THE_WIRE] as WireHooks | undefined;
  if (hooks === undefined) return previous(method, payload, signal);
  const answer = await hooks.begin();
  if (answer === "taken-over") throw new TakenOver();
  if (answer === "uncertain") throw new Unanswered("an earlier try of this message got no answer");
  const result = await previous(method, payload, signal).catch(async (error: unknown) => {
    if (!(error instanceof HttpError)) throw error;
    if (!neverLeft(error)) throw new Unanswered(error.message, { cause: error });
    await hooks.refused();
    throw error;
  });
  if (!result.ok) await hooks.refused();
  return result;
};

const MAX_RATE_LIMITED = 5;

/**
 * Sends in the next shared slot; on 429 every replica waits Telegram's `retry_after`, then this send tries
 * again. A send that got no answer is not tried again: it may have arrived.
 */
export async function sendOnce(
  dependencies: SendOnceDependencies,
  userId: number,
  claim: SendClaim,
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
        dependencies.logger.warn(
          { user: userId, err: error },
          `${dependencies.what}: the send got no answer; it may have arrived, so it is not sent again`,
        );
        return "uncertain";
      }
      if (error instanceof GrammyError && error.error_code === 429 && attempt < MAX_RATE_LIMITED) {
        await dependencies.pacer.pause((error.parameters.retry_after ?? 1) * 1000);
        continue;
      }
      // Telegram answered, or the request never left: nothing was delivered, and the message is given back.
      await claim.release();
      if (error instanceof GrammyError && error.error_code === 403) return "blocked";
      throw error;
    }
  }
}
