import { z } from "zod";
import { joinMonthWords, parsePeriod, periodCode, periodOfCode, type Period } from "./period.js";
import { decodeCursor, encodeCursor, type RecordsPage } from "./records-page.js";
import { cutText } from "./text.js";

export type MarginMode = "cross" | "isolated";

/** What one `/interest` message shows: a period and optional filters. */
export interface InterestView {
  period: Period;
  ccy?: string;
  mgnMode?: MarginMode;
  instId?: string;
}

export const CURRENCY = /^[A-Z0-9]{1,12}$/;
export const INSTRUMENT = /^[A-Z0-9]{1,12}-[A-Z0-9]{1,12}$/;

const MODE_CODES = { c: "cross", i: "isolated" } as const satisfies Record<string, MarginMode>;
const codeOfMode = (mode: MarginMode | undefined) => (mode === "cross" ? "c" : mode === "isolated" ? "i" : "-");

/** A view with the page of its records a button shows (none: the newest). */
export interface PagedView {
  view: InterestView;
  page?: RecordsPage;
}

/**
 * A view as fields of callback data, e.g. `7d USDT i BTC-USDT` (a calendar period by its code: `m8y`);
 * `-` for no filter, then the page's cursor if any. Every field is bounded, so the longest stays within
 * Telegram's 64 bytes with a button's name.
 */
export function viewFields({ view, page = {} }: PagedView): string[] {
  const fields = [periodCode(view.period), view.ccy ?? "-", codeOfMode(view.mgnMode), view.instId ?? "-"];
  const cursor = encodeCursor(page);
  if (cursor !== undefined) fields.push(cursor);
  return fields;
}

/** Reads `viewFields` back; fails for anything malformed or forged. */
export const pagedView: z.ZodType<Required<PagedView>, string[]> = z
  .tuple([
    z.string().transform((code, ctx) => {
      const period = periodOfCode(code);
      if (period === undefined) ctx.addIssue({ code: "custom", message: "not a period" });
      return period ?? z.NEVER;
    }),
    z.union([z.literal("-"), z.string().regex(CURRENCY)]),
    z.enum(["-", "c", "i"]),
    z.union([z.literal("-"), z.string().regex(INSTRUMENT)]),
  ])
  .rest(z.string().max(24))
  .transform(([period, ccy, mode, instId, ...paging], ctx) => {
    const page = paging.length > 1 ? undefined : paging[0] === undefined ? {} : decodeCursor(paging[0]);
    if (page === undefined) {
      ctx.addIssue({ code: "custom", message: "not a page of records" });
      return z.NEVER;
    }
    const view: InterestView = { period };
    if (ccy !== "-") view.ccy = ccy;
    if (mode !== "-") view.mgnMode = MODE_CODES[mode];
    if (instId !== "-") view.instId = instId;
    return { view, page };
  });

export type ArgumentProblem = { problem: "currency" | "period" | "unknown"; value: string };

/**
 * `/interest`, `/interest USDT`, `/interest USDT 7d`, `/interest 30d btc`, `/interest BTC-USDT`,
 * `/interest USDT 2026-11`, `/interest 2026`, `/interest last month`.
 */
export function parseInterestArguments(text: string, fallback: InterestView): InterestView | ArgumentProblem {
  const view: InterestView = { ...fallback };
  for (const word of joinMonthWords(text).trim().split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    const upper = word.toUpperCase();
    const period = parsePeriod(word);
    if (period === "malformed") return { problem: "period", value: cutText(word, 20) };
    if (period !== undefined) view.period = period;
    else if (lower === "cross" || lower === "isolated") view.mgnMode = lower;
    else if (INSTRUMENT.test(upper)) view.instId = upper;
    else if (CURRENCY.test(upper)) view.ccy = upper;
    else return { problem: /^[a-z0-9]+$/i.test(word) ? "currency" : "unknown", value: cutText(word, 20) };
  }
  return view;
}

export const isArgumentProblem = (value: InterestView | ArgumentProblem): value is ArgumentProblem => "problem" in value;

/** The records of a view: those of its currency, margin mode and instrument. */
export function matchesView(view: InterestView, record: { ccy: string; mgnMode: string; instId: string }): boolean {
  return (
    (view.ccy === undefined || record.ccy === view.ccy) &&
    (view.mgnMode === undefined || record.mgnMode === view.mgnMode) &&
    (view.instId === undefined || record.instId === view.instId)
  );
}
