import { z } from "zod";
import { isPlainDecimal } from "../domain/decimal-text.js";
import { recordIdentity, type InterestRecord } from "../domain/interest-record.js";
import type { OkxCredentials } from "../domain/api-key.js";
import type { Priority } from "../domain/priority.js";
import type { OkxClient, RequestOptions } from "./client.js";
import { OkxError } from "./errors.js";

export const INTEREST_ACCRUED_PATH = "/api/v5/account/interest-accrued";
export const MAX_PAGE_SIZE = 100;
/** OKX keeps a year of accruals. */
export const HISTORY_DEPTH_MS = 365 * 24 * 3600_000;

const timestamp = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,16}$/, "must be a Unix time in milliseconds"));

/** The endpoint's parameters; a bad value is refused here, before any request is sent. */
export const interestAccruedParamsSchema = z
  .object({
    type: z.literal("2", { error: "must be 2 (market loans)" }).optional(),
    ccy: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{1,20}$/, "must be a currency code such as USDT")
      .optional(),
    instId: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/, "must be an instrument such as BTC-USDT")
      .optional(),
    mgnMode: z.enum(["cross", "isolated"], { error: "must be cross or isolated" }).optional(),
    after: timestamp.optional(),
    before: timestamp.optional(),
    limit: z.coerce.number().int().min(1, "must be 1 to 100").max(MAX_PAGE_SIZE, "must be 1 to 100").optional(),
  })
  .strict()
  .refine((params) => params.after === undefined || params.before === undefined || BigInt(params.after) > BigInt(params.before), {
    message: "after must be later than before",
    path: ["after"],
  });

export type InterestAccruedParams = z.input<typeof interestAccruedParamsSchema>;

// Amounts stay the strings OKX sent: a JSON number may already have lost digits, and anything but a
// plain decimal would be misread by the digit parser that sums them.
const amount = z.custom<string>(isPlainDecimal, { error: "must be a plain decimal string" });
/** OKX sends "" where it has no figure. */
const amountOrEmpty = z
  .custom<string>((value) => value === "" || isPlainDecimal(value), { error: "must be a plain decimal string or empty" })
  .default("");
const label = z.string({ error: "must be a string" }).default("");
const recordSchema = z.object(
  {
    type: label,
    ccy: z.string({ error: "must be a non-empty string" }).min(1, "must be a non-empty string"),
    instId: label,
    mgnMode: label,
    interest: amount,
    interestRate: amount,
    liab: amountOrEmpty,
    totalLiab: amountOrEmpty,
    interestFreeLiab: amountOrEmpty,
    ts: timestamp,
  },
  { error: "must be a record" },
);
const recordsSchema = z.array(recordSchema, { error: "must be a list of records" });

const MAX_SHOWN = 40;

/** One refusal in words, e.g. `data[3].interest must be a plain decimal string (got "4e-7")`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("");
  const sent = issue.input === undefined ? undefined : JSON.stringify(issue.input);
  const shown = sent === undefined ? "missing" : sent.length > MAX_SHOWN ? `got ${sent.slice(0, MAX_SHOWN - 1)}…` : `got ${sent}`;
  return `data${where} ${issue.message} (${shown})`;
}

export function validateInterestAccruedParams(params: InterestAccruedParams) {
  const parsed = interestAccruedParamsSchema.safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "parameters"} ${issue.message}`);
    throw new OkxError({ code: "INVALID_PARAMS", category: "bad-parameter", message: problems.join("; ") });
  }
  return parsed.data;
}

/** One page, newest first, as OKX sends it. */
export async function fetchInterestAccrued(
  client: OkxClient,
  credentials: OkxCredentials,
  params: InterestAccruedParams,
  options: RequestOptions,
): Promise<InterestRecord[]> {
  const valid = validateInterestAccruedParams(params);
  const data = await client.privateGet(
    credentials,
    INTEREST_ACCRUED_PATH,
    {
      type: valid.type,
      ccy: valid.ccy,
      instId: valid.instId,
      mgnMode: valid.mgnMode,
      after: valid.after,
      before: valid.before,
      limit: valid.limit?.toString(),
    },
    options,
  );
  const records = recordsSchema.safeParse(data, { reportInput: true });
  if (!records.success) {
    // The first problem names the record and field; a page of 100 bad records would make the rest noise.
    const [first, ...others] = records.error.issues;
    const more = others.length === 0 ? "" : `; and ${others.length} more`;
    throw new OkxError({
      code: "BAD_RESPONSE",
      category: "bad-response",
      message: `OKX sent interest records the bot could not read: ${first === undefined ? "unknown problem" : describeIssue(first)}${more}`,
    });
  }
  return records.data;
}

export interface PageWalkOptions {
  account: string;
  /** Read before each request: a walk may speed up when someone starts waiting for it. */
  priority: Priority | (() => Priority);
  /** Records strictly older than this, ms; undefined: from the newest record. */
  after?: number;
  /** The walk ends at the first page that reaches this time (ms); what is not newer is left out. */
  stopAt: number;
  pageSize?: number;
}

/** One page of a walk, and what it proves. */
export interface WalkedPage {
  /** The cursor the page was asked with: records strictly older than this (undefined: the newest). */
  after: number | undefined;
  /** The page's records newer than `stopAt`, less those an earlier page of the walk gave. */
  records: InterestRecord[];
  /** The page's oldest and newest times, ms (NaN for an empty page). */
  oldest: number;
  newest: number;
  /** A page as long as asked for: more may follow. A shorter one holds everything older than its cursor. */
  full: boolean;
  /** When the request was made, ms. */
  askedAt: number;
}

/**
 * Pages back through history with `after` alone, newest first, from `after` down to `stopAt`.
 *
 * OKX documents `after` ("older than"), but not which records `before` gives on its own nor which end of
 * the window comes first with both: only `after` is sent, and what is older than wanted is dropped here.
 * `after` means "strictly older than", so a page that ends inside one hour's group of records would lose
 * the rest of that hour if the next page started after its oldest time. Each next page therefore starts
 * one millisecond later, taking that hour again, and the records already yielded are dropped.
 */
export async function* walkPages(
  client: OkxClient,
  credentials: OkxCredentials,
  options: PageWalkOptions,
  now: () => number = Date.now,
): AsyncGenerator<WalkedPage, void, undefined> {
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  let after = options.after === undefined ? undefined : String(options.after);
  let boundary = new Set<string>();
  for (;;) {
    const askedAt = now();
    const priority = typeof options.priority === "function" ? options.priority() : options.priority;
    const page = await fetchInterestAccrued(client, credentials, { after, limit: pageSize }, { account: options.account, priority });
    const times = page.map((record) => Number(record.ts));
    const oldest = Math.min(...times);
    const newest = Math.max(...times);
    const records = page.filter((record) => Number(record.ts) > options.stopAt && !boundary.has(recordIdentity(record)));
    const full = page.length >= pageSize;
    yield {
      after: after === undefined ? undefined : Number(after),
      records,
      oldest: page.length === 0 ? Number.NaN : oldest,
      newest: page.length === 0 ? Number.NaN : newest,
      full,
      askedAt,
    };
    if (!full || oldest <= options.stopAt) return;
    if (oldest === newest) {
      // A whole page within one millisecond: taking it again would never end. Move on past it.
      after = String(oldest);
      boundary = new Set();
      continue;
    }
    after = String(oldest + 1);
    boundary = new Set(page.filter((record) => Number(record.ts) === oldest).map(recordIdentity));
  }
}

export interface HistoryOptions extends RequestOptions {
  /** Oldest time wanted (inclusive), in ms; default a year before `until` or now. */
  since?: number;
  /** Newest time wanted (exclusive), in ms; default: everything up to now. */
  until?: number;
  pageSize?: number;
  now?: () => number;
}

/** Every record from `since` (inclusive) to `until` (exclusive), a page at a time, newest first. */
export async function* interestHistory(
  client: OkxClient,
  credentials: OkxCredentials,
  options: HistoryOptions,
): AsyncGenerator<InterestRecord[], void, undefined> {
  const since = options.since ?? (options.until ?? (options.now ?? Date.now)()) - HISTORY_DEPTH_MS;
  const walk = walkPages(client, credentials, { ...options, after: options.until, stopAt: since - 1 });
  for await (const page of walk) if (page.records.length > 0) yield page.records;
}
