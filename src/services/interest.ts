import { ACCRUAL_LAG_MS, latestAccrual } from "../domain/current-hour.js";
import { dailyBlocks, type DailyInterest } from "../domain/daily.js";
import type { InterestRecord } from "../domain/interest-record.js";
import type { StoredBlock } from "../domain/record-block.js";
import { combineAccounts, summarizeBlocks, type Summary } from "../domain/summary.js";
import { recordsPage, type RecordsPage } from "../domain/records-page.js";
import { heldBack } from "../domain/coverage.js";
import { periodRange } from "../domain/period.js";
import { matchesView, type AccountChoice, type InterestView } from "../domain/view.js";
import type { Logger } from "../log.js";
import { OkxError, type OkxErrorCategory } from "../okx/errors.js";
import { HISTORY_DEPTH_MS } from "../okx/interest-accrued.js";
import type { OkxCredentials } from "../domain/api-key.js";
import type { Priority } from "../domain/priority.js";
import type { AccountEntry, Connection, CredentialStore } from "../store/credentials.js";
import type { AccountLine, InterestCache } from "../store/interest-cache.js";
import { VaultError } from "../store/vault.js";
import type { HistoryLoader, HistoryProgress } from "./history.js";

/** Why there are no figures: no key, one that no longer opens, an account no longer connected, or OKX's refusal. */
export type NoFigures =
  | { kind: "no-key" }
  | { kind: "unreadable-key" }
  | { kind: "account-gone" }
  | { kind: "okx-error"; category: OkxErrorCategory; code: string; message: string };

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

/** A record, named by its account when several are shown together. */
export type AccountRecord = InterestRecord & { account?: string };

/** One of a person's accounts as the views name it. */
export interface AccountName {
  slot: number;
  uid: string;
  /** The person's name for it, the key's label, or the UID. */
  name: string;
}

/** Which accounts an answer is of: every one the person holds (buttons for more than one), and which is shown. */
export interface AccountsShown {
  held: AccountName[];
  /** The account shown, or "all" of them summed. */
  shown: AccountName | "all";
}

/** One account brought up to date, or as stale as OKX left it. */
type Refreshed = { account: AccountName } & FigureNotes;

type RefreshedAnswer = NoFigures | ({ kind: "fresh"; accounts: AccountsShown; read: Refreshed[]; to: number } & FigureNotes);
/** A period's figures brought up to date, from its start to its end (or now, while it runs). */
type PeriodAnswer = NoFigures | OutsidePeriod | (Extract<RefreshedAnswer, { kind: "fresh" }> & { from: number });

export type DailyAnswer = NoFigures | OutsidePeriod | ({ kind: "daily"; daily: DailyInterest; accounts: AccountsShown } & FigureNotes);

/** The view's blocks of one account as stored, in month and line order: decoded and written out off the main thread. */
export interface AccountBlocks {
  account: AccountName;
  blocks: StoredBlock[];
}

export type ExportAnswer =
  NoFigures | OutsidePeriod | ({ kind: "export"; accounts: AccountsShown; from: number; to: number; parts: AccountBlocks[] } & FigureNotes);

/** Each account's records, for a digest (one block per account where there are several). */
export type AccruedAnswer =
  NoFigures | ({ kind: "records"; to: number; accounts: { account: AccountName; records: InterestRecord[] }[] } & FigureNotes);

export type InterestAnswer =
  | NoFigures
  | OutsidePeriod
  | ({
      kind: "summary";
      summary: Summary;
      accounts: AccountsShown;
      /** Every borrowing line the accounts have had, for the pickers and for "never borrowed X". */
      lines: AccountLine[];
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

export const accountName = (entry: AccountEntry): AccountName => ({ slot: entry.slot, uid: entry.uid, name: entry.name || entry.label || entry.uid });

/** The accounts a question reads: the one its view names (or the default), or all of them. */
interface Scope {
  accounts: AccountsShown;
  read: Connection[];
}

/** Together, the accounts' figures are whole from the latest of their starts, and as stale as the stalest. */
function combinedNotes(read: readonly FigureNotes[]): FigureNotes {
  const notes: FigureNotes = {};
  for (const { partialFrom, keptFrom, stale } of read) {
    if (partialFrom !== undefined && (notes.partialFrom === undefined || partialFrom > notes.partialFrom)) notes.partialFrom = partialFrom;
    if (keptFrom !== undefined && (notes.keptFrom === undefined || keptFrom > notes.keptFrom)) notes.keptFrom = keptFrom;
    if (stale !== undefined && (notes.stale === undefined || stale.asOf < notes.stale.asOf)) notes.stale = stale;
  }
  return notes;
}

/** Progress of several walks as one: held from the latest of their starts, pages added up. */
function combinedProgress(progress: readonly (HistoryProgress | undefined)[]): HistoryProgress | undefined {
  if (progress.some((one) => one === undefined)) return undefined;
  const known = progress as HistoryProgress[];
  return {
    coveredFrom: Math.max(...known.map((one) => one.coveredFrom)),
    target: Math.max(...known.map((one) => one.target)),
    pages: known.reduce((sum, one) => sum + one.pages, 0),
  };
}

/**
 * Answers "what did borrowing cost me" for a Telegram user: their keys, each account's cache, OKX for what
 * is missing; for one account or all of them summed.
 */
export class InterestService {
  private readonly now: () => number;
  private readonly keepMs: number;

  constructor(private readonly dependencies: InterestDependencies) {
    this.now = dependencies.now ?? Date.now;
    this.keepMs = Math.max(dependencies.keepMs ?? 0, HISTORY_DEPTH_MS);
  }

  private async scope(userId: number, choice: AccountChoice | undefined): Promise<Scope | NoFigures> {
    const entries = await this.dependencies.credentials.accounts(userId);
    if (entries.length === 0) return { kind: "no-key" };
    const chosen = choice === "all" ? entries : entries.filter((entry) => (choice === undefined ? entry.isDefault : entry.slot === choice));
    if (chosen.length === 0) return { kind: "account-gone" };
    const read: Connection[] = [];
    try {
      for (const entry of chosen) {
        const connection = await this.dependencies.credentials.load(userId, entry.uid);
        if (connection !== undefined) read.push(connection);
      }
    } catch (error) {
      if (error instanceof VaultError) return { kind: "unreadable-key" };
      throw error;
    }
    if (read.length === 0) return { kind: "account-gone" };
    const held = entries.map(accountName);
    return { accounts: { held, shown: choice === "all" && held.length > 1 ? "all" : accountName(read[0]!.info) }, read };
  }

  /** The person's accounts as the views name them, the default first. */
  async accounts(userId: number): Promise<AccountName[]> {
    return (await this.dependencies.credentials.accounts(userId)).map(accountName);
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
   * The view's period brought up to date: its range in the zone, and the caches refreshed for it. A period
   * wholly older than OKX's year is answered from the caches as they are (OKX has nothing there); one
   * outside what can be held is said to be so.
   */
  private async period(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<PeriodAnswer> {
    const now = this.now();
    const { from, to, end } = periodRange(view.period, now, zone);
    const keepDays = Math.round(this.keepMs / 86_400_000);
    if (from > now) return { kind: "outside", reason: "future", keepDays };
    if (end < now - this.keepMs) return { kind: "outside", reason: "before-kept", keepDays };
    if (to >= now - HISTORY_DEPTH_MS) {
      const answer = await this.refreshed(userId, view.account, from, options);
      return answer.kind === "fresh" ? { ...answer, from, to } : answer;
    }
    const scope = await this.scope(userId, view.account);
    if ("kind" in scope) return scope;
    const read: Refreshed[] = [];
    for (const { info } of scope.read) {
      const keptFrom = heldBack((await this.dependencies.cache.state(info.uid)).spans, to);
      // An account holding nothing of the period has nothing to add to it.
      if (keptFrom !== undefined) read.push({ account: accountName(info), ...(keptFrom > from ? { keptFrom } : {}) });
    }
    if (read.length === 0) return { kind: "outside", reason: "not-held", keepDays };
    return { kind: "fresh", accounts: scope.accounts, read, from, to, ...combinedNotes(read) };
  }

  /** Brings each account's cache up to date from `from` to now, side by side (or, while OKX is down, says how stale it is). */
  private async refreshed(userId: number, choice: AccountChoice | undefined, from: number, options: SummaryOptions): Promise<RefreshedAnswer> {
    const scope = await this.scope(userId, choice);
    if ("kind" in scope) return scope;
    const to = this.now();
    const progress: (HistoryProgress | undefined)[] = scope.read.map(() => undefined);
    const answers = await Promise.all(
      scope.read.map((connection, index) =>
        this.refreshAccount(userId, connection, from, to, {
          ...options,
          onProgress:
            options.onProgress === undefined
              ? undefined
              : (one) => {
                  progress[index] = one;
                  const all = combinedProgress(progress);
                  return all === undefined ? undefined : options.onProgress?.(all);
                },
        }),
      ),
    );
    const failed = answers.find((answer): answer is NoFigures => "kind" in answer);
    if (failed !== undefined) return failed;
    const read = answers as Refreshed[];
    return { kind: "fresh", accounts: scope.accounts, read, to, ...combinedNotes(read) };
  }

  private async refreshAccount(
    userId: number,
    connection: Connection,
    from: number,
    to: number,
    options: SummaryOptions,
  ): Promise<Refreshed | NoFigures> {
    const { uid } = connection.info;
    const account = accountName(connection.info);
    try {
      const held = await this.dependencies.history.ensure(uid, connection.credentials, from, {
        priority: options.priority,
        onProgress: options.onProgress,
        deadline: options.budgetMs === undefined ? undefined : to + options.budgetMs,
        keyHeld: () => this.dependencies.credentials.holds(userId, uid),
      });
      if (held.keyGone) return { kind: "account-gone" };
      if (!held.complete) return { account, partialFrom: held.coveredFrom };
      // Complete, but from later than asked: the start is older than OKX's year and than what was kept.
      return held.coveredFrom > from ? { account, keptFrom: held.coveredFrom } : { account };
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
      const stale = { code: error.code, category: error.category, asOf: refreshedAt || newest.to };
      // Below OKX's year nothing more can come: what is held there is all there will be.
      if (newest.from > Math.max(from, to - HISTORY_DEPTH_MS)) return { account, stale, partialFrom: newest.from };
      return newest.from > from ? { account, stale, keptFrom: newest.from } : { account, stale };
    }
  }

  /**
   * Every record of each account from `from` to now, after bringing the caches up to date (or, while OKX is
   * down, from the caches as they are, marked stale).
   */
  async accrued(userId: number, from: number, options: SummaryOptions, choice: AccountChoice = "all"): Promise<AccruedAnswer> {
    const answer = await this.refreshed(userId, choice, from, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, accounts: _accounts, read, to, ...notes } = answer;
    // Part of a history is read only from where it is whole up to now: a stretch below a gap would mislead.
    const readFrom = notes.partialFrom ?? from;
    const accounts = await Promise.all(
      read.map(async ({ account }) => ({ account, records: await this.dependencies.cache.range(account.uid, readFrom, to) })),
    );
    return { kind: "records", to, accounts, ...notes };
  }

  /** The view's interest per local day in the zone, for a chart; all accounts' days added up. */
  async daily(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<DailyAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, accounts, read, from, to, ...notes } = answer;
    // Part of a history is read only from where it is whole up to now: a stretch below a gap would mislead.
    const heldFrom = notes.partialFrom ?? notes.keptFrom ?? from;
    const shown = (await Promise.all(read.map(({ account }) => this.dependencies.cache.snapshot(account.uid, heldFrom, to))))
      .flatMap(({ blocks }) => blocks)
      .filter((block) => matchesView(view, block.line));
    return { kind: "daily", daily: dailyBlocks(shown, from, to, zone, heldFrom), accounts, ...notes };
  }

  /** The view's blocks of each account in the zone's period, read from the cache once it is up to date, undecoded: for exports. */
  async export(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<ExportAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, accounts, read, from, to, ...notes } = answer;
    // A block holds one line: the view picks whole blocks.
    const parts = await Promise.all(
      read.map(async ({ account }) => ({
        account,
        blocks: (await this.dependencies.cache.storedBlocks(account.uid, from, to)).filter((block) => matchesView(view, block.line)),
      })),
    );
    return { kind: "export", accounts, from, to, parts, ...notes };
  }

  /** The view's summary over its period in the zone. */
  async summary(userId: number, view: InterestView, zone: string, options: SummaryOptions): Promise<InterestAnswer> {
    const answer = await this.period(userId, view, zone, options);
    if (answer.kind !== "fresh") return answer;
    const { kind: _fresh, accounts, read, from, to, ...notes } = answer;
    return this.summaryOf(accounts, read, view, from, to, notes);
  }

  /** The view's summary from what the caches hold from `heldFrom` on, without asking OKX: while history loads. */
  async heldSummary(userId: number, view: InterestView, zone: string, heldFrom: number): Promise<InterestAnswer> {
    const scope = await this.scope(userId, view.account);
    if ("kind" in scope) return scope;
    const { from, to } = periodRange(view.period, this.now(), zone);
    const read = scope.read.map((connection) => ({ account: accountName(connection.info) }));
    return this.summaryOf(scope.accounts, read, view, from, to, heldFrom > from ? { partialFrom: heldFrom } : {});
  }

  /**
   * Summed from the cached blocks themselves; part of a history only from where it is whole. Several
   * accounts are summed together exactly, each currency split by account, its debt now and projection
   * the accounts' own added up.
   */
  private async summaryOf(
    accounts: AccountsShown,
    read: readonly { account: AccountName }[],
    view: InterestView,
    from: number,
    to: number,
    notes: FigureNotes,
  ): Promise<InterestAnswer> {
    const readFrom = notes.partialFrom ?? notes.keptFrom ?? from;
    const each = await Promise.all(
      read.map(async ({ account }) => {
        // Every line's blocks: "now" is the whole account's latest hour, whatever the view shows.
        const { blocks, lines } = await this.dependencies.cache.snapshot(account.uid, Math.min(readFrom, to - ACCRUAL_LAG_MS), to);
        const latest = latestAccrual(blocks, to - ACCRUAL_LAG_MS, to);
        const shown = blocks.filter((block) => matchesView(view, block.line));
        return { account, lines, shown, latest, summary: summarizeBlocks(shown, readFrom, to, latest) };
      }),
    );
    const lines = uniqueLines(each.flatMap((one) => one.lines));
    const only = each.length === 1 ? each[0] : undefined;
    const summary =
      only !== undefined
        ? only.summary
        : combineAccounts(
            summarizeBlocks(
              each.flatMap((one) => one.shown),
              readFrom,
              to,
              undefined,
            ),
            each.map(({ account, summary }) => ({ name: account.name, summary })),
          );
    return { kind: "summary", summary: { ...summary, from }, accounts, lines, ...notes };
  }

  /** The accounts' borrowing lines seen so far (from the cache). */
  async lines(userId: number, choice: AccountChoice | undefined = "all"): Promise<AccountLine[]> {
    const scope = await this.scope(userId, choice);
    if ("kind" in scope) return [];
    return uniqueLines((await Promise.all(scope.read.map((connection) => this.dependencies.cache.lines(connection.info.uid)))).flat());
  }

  /** One page of raw records of the view, newest first, from the cache; all accounts' records in one order, each named. */
  async records(userId: number, view: InterestView, zone: string, page: RecordsPage, size: number): Promise<AccountRecord[] | undefined> {
    const scope = await this.scope(userId, view.account);
    if ("kind" in scope) return undefined;
    const { from, to } = periodRange(view.period, this.now(), zone);
    const several = scope.read.length > 1;
    const all = await Promise.all(
      scope.read.map(async ({ info }) => {
        const records = (await this.dependencies.cache.range(info.uid, from, to)).filter((record) => matchesView(view, record));
        return several ? records.map((record) => ({ ...record, account: accountName(info).name })) : records;
      }),
    );
    return recordsPage<AccountRecord>(all.flat(), page, size);
  }
}

/** Each borrowing line once, in the order first seen. */
function uniqueLines(lines: readonly AccountLine[]): AccountLine[] {
  const seen = new Map<string, AccountLine>();
  for (const line of lines) {
    const key = `${line.ccy}|${line.mgnMode}|${line.instId}`;
    if (!seen.has(key)) seen.set(key, { ccy: line.ccy, mgnMode: line.mgnMode, instId: line.instId });
  }
  return [...seen.values()];
}
