import { ACCRUAL_LAG_MS, latestAccrual } from "../domain/current-hour.js";
import { dailyBlocks, type DailyInterest } from "../domain/daily.js";
import type { InterestRecord } from "../domain/interest-record.js";
import type { StoredBlock } from "../domain/record-block.js";
import { summarizeBlocks, type Summary } from "../domain/summary.js";
import { recordsPage, type RecordsPage } from "../domain/records-page.js";
import { heldBack } from "../domain/coverage.js";
import { periodRange } from "../domain/period.js";
import { matchesView, type InterestView } from "../domain/view.js";
import type { Logger } from "../log.js";
import { OkxError, type OkxErrorCategory } from "../okx/errors.js";
import { HISTORY_DEPTH_MS } from "../okx/interest-accrued.js";
import type { OkxCredentials } from "../domain/api-key.js";
import type { Priority } from "../domain/priority.js";
import type { Connection, CredentialStore } from "../store/credentials.js";
import type { InterestCache } from "../store/interest-cache.js";
import { VaultError } from "../store/vault.js";
import type { HistoryLoader, HistoryProgress } from "./history.js";

/** Why there are no figures: no key, one that no longer opens, or OKX's refusal. */
export type NoFigures =
  { kind: "no-key" } | { kind: "unreadable-key" } | { kind: "okx-error"; category: OkxErrorCategory; code: string; message: string };

/**
 * A calendar period there are no figures for: one that has not begun, one that ended before the history
 * kept (`HISTORY_KEEP_DAYS`), or one older than OKX's year of which the cache holds nothing.
 */
export type OutsidePeriod = { kind: "outside"; reason: "future" | "before-kept" | "not-held"; keepDays: number };

/** What qualifies figures: how complete and how fresh they are. */
export interface FigureNotes {
  /** Oldest time held when the history is not complete yet. */
  partialFrom?: number;
  /** Oldest time held of a period that reaches back past it, where OKX serves nothing any more: figures are from then on. */
  keptFrom?: number;
  /** OKX failed (how: `category`); the figures are from the cache, as of this time. */
  stale?: { code: string; category: OkxErrorCategory; asOf: number };
}

type RefreshedAnswer = NoFigures | ({ kind: "fresh"; uid: string; /** The key's label, or the UID. */ account: string; to: number } & FigureNotes);
/** A period's figures brought up to date, from its start to its end (or now, while it runs). */
type PeriodAnswer = NoFigures | OutsidePeriod | (Extract<RefreshedAnswer, { kind: "fresh" }> & { from: number });

export type DailyAnswer = NoFigures | OutsidePeriod | ({ kind: "daily"; daily: DailyInterest } & FigureNotes);

export type ExportAnswer =
  | NoFigures
  | OutsidePeriod
  | ({
      kind: "export";
      account: string;
      from: number;
      to: number;
      /** The view's blocks as stored, in month and line order: decoded and written out off the main thread. */
      blocks: StoredBlock[];
    } & FigureNotes);

export type AccruedAnswer = NoFigures | ({ kind: "records"; uid: string; to: number; records: InterestRecord[] } & FigureNotes);

export type InterestAnswer =
  | NoFigures
  | OutsidePeriod
  | ({
      kind: "summary";
      summary: Summary;
      /** Every borrowing line the account has had, for the pickers and for "never borrowed X". */
      lines: { ccy: string; mgnMode: string; instId: string }[];
    } & FigureNotes);

export interface InterestDependencies {
  credentials: CredentialStore;
  cache: InterestCache;
  history: HistoryLoader;
  /** Told of each OKX answer the bot could not read, with what was wrong in it. */
  logger: Logger;
  /** How far back the cache keeps records, ms (`HISTORY_KEEP_DAYS`; at least OKX's year, the default). */
  keepMs?: number;
  now?: () => number;
}

export interface SummaryOptions {
  priority: Priority;
  onProgress?: (progress: HistoryProgress) => void | Promise<void>;
  /** How long to page back through history before answering with what is held. */
  budgetMs?: number;
}

/** Categories that mean the key itself no longer works: no cached figures stand in for that. */
const KEY_PROBLEMS = new Set([
  "bad-key",
  "key-unknown",
  "bad-signature",
  "bad-passphrase",
  "wrong-environment",
  "ip-not-allowed",
  "permission",
  "account-restricted",
]);

/** Answers "what did borrowing cost me" for a Telegram user: their key, the account's cache, OKX for what is missing. */
export class InterestService {
  private readonly now: () => number;
  private readonly keepMs: number;

  constructor(private readonly dependencies: InterestDependencies) {
    this.now = dependencies.now ?? Date.now;
    this.keepMs = Math.max(dependencies.keepMs ?? 0, HISTORY_DEPTH_MS);
  }

  private async connection(userId: number): Promise<Connection | "none" | "unreadable"> {
    try {
      return (await this.dependencies.credentials.load(userId)) ?? "none";
    } catch (error) {
      if (error instanceof VaultError) return "unreadable";
      throw error;
    }
  }

  /** Whether the user has a key stored (which may still fail to open): a question without one is answered at once. */
  hasKey(userId: number): Promise<boolean> {
    return this.dependencies.credentials.has(userId);
  }

  /** Starts loading an account's history in the background (a new key, say): a year is some minutes at OKX's limit. */
  loadHistory(uid: string, credentials: OkxCredentials): void {
    this.dependencies.history.start(uid, credentials);
  }

  /**
   * The view's period brought up to date: its range in the zone, and the cache refreshed for it. A period
   * wholly older than OKX's year is answered from the cache as it is (OKX has nothing there); one outside
   * what can be held is said to be so.
   */
  private async period(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<PeriodAnswer> {
    const now = this.now();
    const { from, to, end } = periodRange(view.period, now, zone);
    const keepDays = Math.round(this.keepMs / 86_400_000);
    if (from > now) return { kind: "outside", reason: "future", keepDays };
    if (end < now - this.keepMs) return { kind: "outside", reason: "before-kept", keepDays };
    if (to >= now - HISTORY_DEPTH_MS) {
      const answer = await this.refreshed(userId, from, options);
      return answer.kind === "fresh" ? { ...answer, from, to } : answer;
    }
    const connection = await this.connection(userId);
    if (connection === "none") return { kind: "no-key" };
    if (connection === "unreadable") return { kind: "unreadable-key" };
    const { uid } = connection.info;
    const keptFrom = heldBack((await this.dependencies.cache.state(uid)).spans, to);
    if (keptFrom === undefined) return { kind: "outside", reason: "not-held", keepDays };
    return { kind: "fresh", uid, account: connection.info.label || uid, from, to, ...(keptFrom > from ? { keptFrom } : {}) };
  }

  /** Brings the account's cache up to date from `from` to now (or, while OKX is down, says how stale it is). */
  private async refreshed(userId: number, from: number, options: SummaryOptions): Promise<RefreshedAnswer> {
    const connection = await this.connection(userId);
    if (connection === "none") return { kind: "no-key" };
    if (connection === "unreadable") return { kind: "unreadable-key" };
    const { uid } = connection.info;
    const to = this.now();
    let partialFrom: number | undefined;
    let keptFrom: number | undefined;
    let stale: FigureNotes["stale"];
    try {
      const held = await this.dependencies.history.ensure(uid, connection.credentials, from, {
        priority: options.priority,
        onProgress: options.onProgress,
        deadline: options.budgetMs === undefined ? undefined : to + options.budgetMs,
        keyHeld: () => this.hasKey(userId),
      });
      if (held.keyGone) return { kind: "no-key" };
      if (!held.complete) partialFrom = held.coveredFrom;
      // Complete, but from later than asked: the start is older than OKX's year and than what was kept.
      else if (held.coveredFrom > from) keptFrom = held.coveredFrom;
    } catch (error) {
      if (!(error instanceof OkxError)) throw error;
      // The person is told only that OKX sent something unreadable; what and where is for the operator.
      if (error.category === "bad-response") {
        this.dependencies.logger.warn({ user: userId, code: error.code, err: error }, "OKX answer refused: could not be read");
      }
      const { spans, refreshedAt } = await this.dependencies.cache.state(uid);
      const newest = spans[0];
      if (KEY_PROBLEMS.has(error.category) || newest === undefined) {
        return { kind: "okx-error", category: error.category, code: error.code, message: error.message };
      }
      stale = { code: error.code, category: error.category, asOf: refreshedAt || newest.to };
      // Below OKX's year nothing more can come: what is held there is all there will be.
      if (newest.from > Math.max(from, to - HISTORY_DEPTH_MS)) partialFrom = newest.from;
      else if (newest.from > from) keptFrom = newest.from;
    }
    return {
      kind: "fresh",
      uid,
      account: connection.info.label || uid,
      to,
      ...(partialFrom === undefined ? {} : { partialFrom }),
      ...(keptFrom === undefined ? {} : { keptFrom }),
      ...(stale === undefined ? {} : { stale }),
    };
  }

  /**
   * Every record of the account from `from` to now, after bringing the cache up to date (or, while OKX is
   * down, from the cache as it is, marked stale).
   */
  async accrued(userId: number, from: number, options: SummaryOptions): Promise<AccruedAnswer> {
    const answer = await this.refreshed(userId, from, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, account: _account, ...rest } = answer;
    // Part of a history is read only from where it is whole up to now: a stretch below a gap would mislead.
    return { kind: "records", ...rest, records: await this.dependencies.cache.range(answer.uid, answer.partialFrom ?? from, answer.to) };
  }

  /** The view's interest per local day in the zone, for a chart. */
  async daily(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<DailyAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, uid, account: _account, from, to, ...notes } = answer;
    // Part of a history is read only from where it is whole up to now: a stretch below a gap would mislead.
    const heldFrom = notes.partialFrom ?? notes.keptFrom ?? from;
    const { blocks } = await this.dependencies.cache.snapshot(uid, heldFrom, to);
    const shown = blocks.filter((block) => matchesView(view, block.line));
    return { kind: "daily", daily: dailyBlocks(shown, from, to, zone, heldFrom), ...notes };
  }

  /** The view's blocks in the zone's period, read from the cache once it is up to date, undecoded: for exports. */
  async export(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<ExportAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, uid, from, to, ...notes } = answer;
    // A block holds one line: the view picks whole blocks.
    const blocks = (await this.dependencies.cache.storedBlocks(uid, from, to)).filter((block) => matchesView(view, block.line));
    return { kind: "export", from, to, blocks, ...notes };
  }

  /** The view's summary over its period in the zone. */
  async summary(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<InterestAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, uid, account: _account, from, to, ...notes } = answer;
    return this.summaryOf(uid, view, from, to, notes);
  }

  /** The view's summary from what the cache holds from `heldFrom` on, without asking OKX: while history loads. */
  async heldSummary(userId: number, view: InterestView, zone: string, heldFrom: number): Promise<InterestAnswer> {
    const connection = await this.connection(userId);
    if (connection === "none") return { kind: "no-key" };
    if (connection === "unreadable") return { kind: "unreadable-key" };
    const { from, to } = periodRange(view.period, this.now(), zone);
    return this.summaryOf(connection.info.uid, view, from, to, heldFrom > from ? { partialFrom: heldFrom } : {});
  }

  /** Summed from the cached blocks themselves; part of a history only from where it is whole. */
  private async summaryOf(uid: string, view: InterestView, from: number, to: number, notes: FigureNotes): Promise<InterestAnswer> {
    const readFrom = notes.partialFrom ?? notes.keptFrom ?? from;
    // Every line's blocks: "now" is the whole account's latest hour, whatever the view shows.
    const { blocks, lines } = await this.dependencies.cache.snapshot(uid, Math.min(readFrom, to - ACCRUAL_LAG_MS), to);
    const latest = latestAccrual(blocks, to - ACCRUAL_LAG_MS, to);
    const shown = blocks.filter((block) => matchesView(view, block.line));
    return { kind: "summary", summary: { ...summarizeBlocks(shown, readFrom, to, latest), from }, lines, ...notes };
  }

  /** The account's borrowing lines seen so far (from the cache). */
  async lines(userId: number): Promise<{ ccy: string; mgnMode: string; instId: string }[]> {
    const connection = await this.connection(userId);
    return typeof connection === "string" ? [] : this.dependencies.cache.lines(connection.info.uid);
  }

  /** One page of raw records of the view's period in the zone, newest first, from the cache. */
  async records(userId: number, view: InterestView, zone: string, page: RecordsPage, size: number): Promise<InterestRecord[] | undefined> {
    const connection = await this.connection(userId);
    if (typeof connection === "string") return undefined;
    const { from, to } = periodRange(view.period, this.now(), zone);
    const all = (await this.dependencies.cache.range(connection.info.uid, from, to)).filter((record) => matchesView(view, record));
    return recordsPage(all, page, size);
  }
}
