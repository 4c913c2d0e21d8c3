import { z } from "zod";
import { joinMonthWords, parsePeriod, periodCode, periodOfCode, type Period } from "./period.js";
import { decodeCursor, encodeCursor, type RecordsPage } from "./records-page.js";
import { cutText } from "./text.js";

export type MarginMode = "cross" | "isolated";

/** One of a person's accounts by its slot (`AccountEntry.slot`), or all of them summed. */
export type AccountChoice = number | "all";

/** What one `/interest` message shows: a period and optional filters. */
export interface InterestView {
  period: Period;
  ccy?: string;
  mgnMode?: MarginMode;
  instId?: string;
  /** Which of the person's accounts; none named: their default account. */
  account?: AccountChoice;
}

/** Slots are one base-36 character in callback data: at most 36 accounts a person. */
export const MAX_ACCOUNT_SLOTS = 36;

export const CURRENCY = /^[A-Z0-9]{1,12}$/;
export const INSTRUMENT = /^[A-Z0-9]{1,12}-[A-Z0-9]{1,12}$/;

const MODE_CODES = { c: "cross", i: "isolated" } as const satisfies Record<string, MarginMode>;
const codeOfMode = (mode: MarginMode | undefined) => (mode === "cross" ? "c" : mode === "isolated" ? "i" : "-");

/** A view with the page of its records a button shows (none: the newest). */
export interface PagedView {
  view: InterestView;
  page?: RecordsPage;
}

/** A currency that is one half of the view's instrument is written as `<` (base) or `>` (quote): it fits. */
function currencyCode(ccy: string | undefined, instId: string | undefined): string {
  if (ccy === undefined) return "-";
  const [base, quote] = instId?.split("-") ?? [];
  return ccy === base ? "<" : ccy === quote ? ">" : ccy;
}

/** An account as one character: its slot in base 36, or `*` for all of them. */
const accountCode = (account: AccountChoice) => (account === "all" ? "*" : account.toString(36));

/**
 * A view as fields of callback data, e.g. `7d USDT i BTC-USDT` (a calendar period by its code: `m8y`),
 * after the account's code when one is named; `-` for no filter, then the page's cursor if any. Every
 * field is bounded, so the longest stays within Telegram's 64 bytes with a button's name.
 */
export function viewFields({ view, page = {} }: PagedView): string[] {
  const fields = [periodCode(view.period), currencyCode(view.ccy, view.instId), codeOfMode(view.mgnMode), view.instId ?? "-"];
  if (view.account !== undefined) fields.unshift(accountCode(view.account));
  const cursor = encodeCursor(page);
  if (cursor !== undefined) fields.push(cursor);
  return fields;
}

const viewTuple = z
  .tuple([
    z.string().transform((code, ctx) => {
      const period = periodOfCode(code);
      if (period === undefined) ctx.addIssue({ code: "custom", message: "not a period" });
      return period ?? z.NEVER;
    }),
    z.union([z.enum(["-", "<", ">"]), z.string().regex(CURRENCY)]),
    z.enum(["-", "c", "i"]),
    z.union([z.literal("-"), z.string().regex(INSTRUMENT)]),
  ])
  .rest(z.string().max(24));

/** Reads `viewFields` back; fails for anything malformed or forged. */
export const pagedView: z.ZodType<Required<PagedView>, string[]> = z.array(z.string()).transform((fields, ctx) => {
  // A period is never one character: a first field of one is the account's code.
  const code = fields[0]?.length === 1 ? fields[0] : undefined;
  const slot = code === undefined || code === "*" ? undefined : /^[0-9a-z]$/.test(code) ? Number.parseInt(code, 36) : Number.NaN;
  const parsed = viewTuple.safeParse(code === undefined ? fields : fields.slice(1));
  const [period, ccy, mode, instId, ...paging] = parsed.success ? parsed.data : [];
  const page = paging.length > 1 ? undefined : paging[0] === undefined ? {} : decodeCursor(paging[0]);
  const [base, quote] = instId === undefined || instId === "-" ? [] : instId.split("-");
  const currency = ccy === "<" ? base : ccy === ">" ? quote : ccy;
  if (period === undefined || currency === undefined || page === undefined || Number.isNaN(slot)) {
    ctx.addIssue({ code: "custom", message: "not a view" });
    return z.NEVER;
  }
  const view: InterestView = { period };
  if (currency !== "-") view.ccy = currency;
  if (mode !== undefined && mode !== "-") view.mgnMode = MODE_CODES[mode];
  if (instId !== undefined && instId !== "-") view.instId = instId;
  if (code !== undefined) view.account = slot ?? "all";
  return { view, page };
});

export type ArgumentProblem = { problem: "currency" | "period" | "unknown"; value: string };

/**
 * `/interest`, `/interest USDT`, `/interest USDT 7d`, `/interest 30d btc`, `/interest BTC-USDT`,
 * `/interest USDT 2026-11`, `/interest 2026`, `/interest last month`, `/interest all` (every account summed).
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
    else if (lower === "all") view.account = "all";
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
