import { formatDate } from "../domain/time.js";
import { isArgumentProblem, parseInterestArguments, type InterestView } from "../domain/view.js";
import type { HistoryProgress } from "../services/history.js";
import type { InterestService } from "../services/interest.js";
import type { PreferenceStore } from "../store/preferences.js";
import type { BotContext } from "./context.js";
import { editText } from "./edit.js";
import { escapeHtml } from "./html.js";

/** What asking about a view needs: whether there is a key, and the person's default view. */
export interface Asking {
  interest: Pick<InterestService, "hasKey">;
  preferences: Pick<PreferenceStore, "defaultView">;
}

/**
 * The view a command's arguments (`/interest`, `/chart`, `/export`) ask for, from the person's defaults;
 * undefined once a bad argument, or the lack of any key, is answered (at once, with no "Loading…" before it).
 */
export async function commandView(ctx: BotContext & { match: string; from: { id: number } }, asking: Asking): Promise<InterestView | undefined> {
  const [defaults, hasKey] = await Promise.all([asking.preferences.defaultView(ctx.from.id), asking.interest.hasKey(ctx.from.id)]);
  const parsed = parseInterestArguments(ctx.match, defaults);
  if (isArgumentProblem(parsed)) {
    const key = parsed.problem === "period" ? "interest-bad-period" : parsed.problem === "currency" ? "interest-bad-currency" : "interest-usage";
    await ctx.reply(ctx.t(key, { value: escapeHtml(parsed.value) }), { parse_mode: "HTML" });
    return undefined;
  }
  if (!hasKey) {
    await ctx.reply(ctx.t("interest-no-key"));
    return undefined;
  }
  return parsed;
}

/** Progress edits at most this often: Telegram limits edits of one message. */
const PROGRESS_EVERY_MS = 1_500;

/** Shows how far back a long history has loaded, in the message, at most every `PROGRESS_EVERY_MS`. */
export async function progressEdits(ctx: BotContext, chatId: number, messageId: number, now: () => number) {
  const display = await ctx.display();
  let lastProgress = 0;
  return async (progress: HistoryProgress) => {
    if (now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now();
    await editText(
      ctx.api,
      chatId,
      messageId,
      ctx.t("interest-progress", { date: formatDate(progress.coveredFrom, display), pages: progress.pages }),
    );
  };
}
