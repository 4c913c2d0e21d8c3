import { z } from "zod";
import { decodeCursor, encodeCursor, type RecordsPage } from "./records-page.js";
import { cutText } from "./text.js";

const HOUR_MS = 3600_000;
export const PERIODS = {
  "24h": 24 * HOUR_MS,
  "7d": 7 * 24 * HOUR_MS,
  "30d": 30 * 24 * HOUR_MS,
  "90d": 90 * 24 * HOUR_MS,
  "1y": 365 * 24 * HOUR_MS,
} as const;
export type Period = keyof typeof PERIODS;
export const PERIOD_NAMES = Object.keys(PERIODS) as Period[];
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

/**
 * A view as callback data, e.g. `iv:7d:USDT:i:BTC-USDT`; `-` for no filter. Every part is bounded, so the
 * longest form stays under Telegram's 64 bytes.
 */
export function encodeView(action: string, view: InterestView, page: RecordsPage = {}): string {
  const parts = [action, view.period, view.ccy ?? "-", codeOfMode(view.mgnMode), view.instId ?? "-"];
  const cursor = encodeCursor(page);
  if (cursor !== undefined) parts.push(cursor);
  return parts.join(":");
}

const callbackSchema = z
  .tuple([
    z.string().regex(/^[a-z]{1,3}$/),
    z.enum(PERIOD_NAMES as [Period, ...Period[]]),
    z.union([z.literal("-"), z.string().regex(CURRENCY)]),
    z.enum(["-", "c", "i"]),
    z.union([z.literal("-"), z.string().regex(INSTRUMENT)]),
  ])
  .rest(z.string().max(24));

/** The action, view and page in callback data; undefined for anything malformed or forged. */
export function decodeView(data: string): { action: string; view: InterestView; page: RecordsPage } | undefined {
  if (Buffer.byteLength(data) > 64) return undefined;
  const parsed = callbackSchema.safeParse(data.split(":"));
  if (!parsed.success) return undefined;
  const [action, period, ccy, mode, instId, ...paging] = parsed.data;
  if (paging.length > 1) return undefined;
  const view: InterestView = { period };
  if (ccy !== "-") view.ccy = ccy;
  if (mode !== "-") view.mgnMode = MODE_CODES[mode];
  if (instId !== "-") view.instId = instId;
  const page = paging[0] === undefined ? {} : decodeCursor(paging[0]);
  if (page === undefined) return undefined;
  return { action, view, page };
}

export type ArgumentProblem = { problem: "currency" | "period" | "unknown"; value: string };

/** `/interest`, `/interest USDT`, `/interest USDT 7d`, `/interest 30d btc`, `/interest BTC-USDT`. */
export function parseInterestArguments(text: string, fallback: InterestView): InterestView | ArgumentProblem {
  const view: InterestView = { ...fallback };
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    const upper = word.toUpperCase();
    if (lower in PERIODS) view.period = lower as Period;
    else if (/^\d+(h|d|w|m|y)$/.test(lower)) return { problem: "period", value: word };
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
