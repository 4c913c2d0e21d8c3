import { z } from "zod";
import { recordIdentity, type InterestRecord } from "../domain/interest-record.js";
import type { OkxClient, OkxCredentials, RequestOptions } from "./client.js";
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
  .refine(
    (params) => params.after === undefined || params.before === undefined || BigInt(params.after) > BigInt(params.before),
    { message: "after must be later than before", path: ["after"] },
  );

export type InterestAccruedParams = z.input<typeof interestAccruedParamsSchema>;
/** The filters of a history walk: every parameter but the paging ones. */
export type InterestFilters = Pick<InterestAccruedParams, "type" | "ccy" | "instId" | "mgnMode">;

const text = z.union([z.string(), z.number()]).transform(String);
const recordSchema = z.object({
  type: text.default(""),
  ccy: z.string(),
  instId: text.default(""),
  mgnMode: text.default(""),
  interest: text,
  interestRate: text,
  liab: text.default(""),
  totalLiab: text.default(""),
  interestFreeLiab: text.default(""),
  ts: timestamp,
});

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
  const records = z.array(recordSchema).safeParse(data);
  if (!records.success) {
    throw new OkxError({ code: "BAD_RESPONSE", category: "bad-response", message: "OKX sent interest records of an unexpected shape" });
  }
  return records.data;
}

export interface HistoryOptions extends RequestOptions {
  filters?: InterestFilters;
  /** Oldest time wanted (inclusive), in ms; default a year before `until` or now. */
  since?: number;
  /** Newest time wanted (exclusive), in ms; default: everything up to now. */
  until?: number;
  pageSize?: number;
  now?: () => number;
  /** Called after each request, whatever it brought. */
  onPage?: (records: number) => void;
}

/**
 * Pages back through history with `after`, newest first, yielding each page's new records.
 *
 * `after` means "strictly older than", so a page that ends inside one hour's group of records would lose
 * the rest of that hour if the next page started after its oldest time. Each next page therefore starts
 * one millisecond later, taking that hour again, and the records already yielded are dropped.
 */
export async function* interestHistory(
  client: OkxClient,
  credentials: OkxCredentials,
  options: HistoryOptions,
): AsyncGenerator<InterestRecord[], void, undefined> {
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  const upper = options.until;
  const since = options.since ?? (upper ?? (options.now ?? Date.now)()) - HISTORY_DEPTH_MS;
  let after = upper === undefined ? undefined : String(upper);
  let boundary = new Set<string>();
  for (;;) {
    const page = await fetchInterestAccrued(
      client,
      credentials,
      { ...options.filters, after, before: since > 0 ? String(since - 1) : undefined, limit: pageSize },
      { account: options.account, priority: options.priority },
    );
    options.onPage?.(page.length);
    const fresh = page.filter((record) => !boundary.has(recordIdentity(record)) && Number(record.ts) >= since);
    if (fresh.length > 0) yield fresh;
    if (page.length < pageSize) return;

    const oldest = Math.min(...page.map((record) => Number(record.ts)));
    const newest = Math.max(...page.map((record) => Number(record.ts)));
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
