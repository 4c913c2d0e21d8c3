import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { nextStretch, pageSpan, spansFrom, type Stretch } from "../domain/coverage.js";
import type { OkxCredentials } from "../domain/api-key.js";
import type { OkxClient } from "../okx/client.js";
import { OkxError, type OkxErrorCategory } from "../okx/errors.js";
import { HISTORY_DEPTH_MS, walkPages } from "../okx/interest-accrued.js";
import type { Priority } from "../domain/priority.js";
import type { HistoryState, InterestCache, LeasedWrite } from "../store/interest-cache.js";

export interface HistoryProgress {
  /** Oldest time from which everything up to now is held, ms. */
  coveredFrom: number;
  /** The time being reached for, ms. */
  target: number;
  /** Pages the account's walks have saved. */
  pages: number;
}

export interface EnsureOptions {
  priority: Priority;
  onProgress?: (progress: HistoryProgress) => void | Promise<void>;
  /** Answer with what is held at this time (ms since epoch) if the history is not in by then; the walk goes on. */
  deadline?: number;
  /** Whether the asker's key is still stored: once it is gone (`/disconnect`), no walk is started again for them. */
  keyHeld?: () => Promise<boolean>;
}

export interface EnsureResult {
  /** Every record from the wanted start to now is held. */
  complete: boolean;
  /**
   * Oldest time from which everything up to now is held, ms: once complete, the wanted start, or what is
   * held from later than it when it is older than OKX's year (all that can be had).
   */
  coveredFrom: number;
  /** The asker's key went away while waiting. */
  keyGone?: true;
}

export interface HistoryLoaderOptions {
  /** A walk's lease lapses this long after its last page, so another replica takes over a dead walk. */
  leaseMs?: number;
  /** How often a question waiting on a walk in another process looks at its progress. */
  pollMs?: number;
  now?: () => number;
  /** A walk that stopped on something other than OKX's refusal (which waiting questions are told of). */
  onWalkError?: (error: unknown, uid: string) => void;
  /**
   * How far back records are kept, ms (`HISTORY_KEEP_DAYS`): what OKX drops after its year stays this long.
   * At least OKX's year (the default): anything shorter would be paged again.
   */
  keepMs?: number;
}

/**
 * Loads and keeps each account's history: one walk per account at a time across every replica (a lease
 * in Redis, renewed with each page, taken over once it lapses), paging OKX newest first with `after`
 * alone: first what is newer than the newest records held, then any gap between what is held, then back
 * a year. Questions never page OKX themselves: they ask the walk for fresh records, wait for it up to
 * their deadline, and answer from what it has saved; the walk goes on without them.
 */
export class HistoryLoader {
  private readonly holder = randomBytes(9).toString("base64url");
  private walksStarted = 0;
  /** Walks this process runs, by account. */
  private readonly running = new Map<string, Promise<void>>();
  /** Questions of this process waiting on an account: its walk then pages at their priority. */
  private readonly waiting = new Map<string, Priority[]>();
  private readonly saved = new EventEmitter().setMaxListeners(0);
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly keepMs: number;

  constructor(
    private readonly okx: OkxClient,
    private readonly cache: InterestCache,
    private readonly options: HistoryLoaderOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? Date.now;
    this.keepMs = Math.max(options.keepMs ?? 0, HISTORY_DEPTH_MS);
  }

  /** Starts the account's walk in this process, unless one runs already here or elsewhere. */
  start(uid: string, credentials: OkxCredentials): void {
    if (this.running.has(uid)) return;
    const walk = this.walk(uid, credentials)
      .catch((error: unknown) => this.options.onWalkError?.(error, uid))
      .finally(() => {
        this.running.delete(uid);
        this.saved.emit(uid);
      });
    this.running.set(uid, walk);
  }

  /** Resolves once every walk this process runs has stopped (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /**
   * Waits until the account's history from `since` to now is held, fresh as of this call, or until the
   * deadline; starts the walk if none runs. Throws OKX's refusal if the walk stopped on one meanwhile.
   */
  async ensure(uid: string, credentials: OkxCredentials, since: number, options: EnsureOptions): Promise<EnsureResult> {
    const askedAt = this.now();
    const target = Math.max(since, askedAt - HISTORY_DEPTH_MS);
    const waiting = this.waiting.get(uid) ?? [];
    this.waiting.set(uid, [...waiting, options.priority]);
    let reported: string | undefined;
    try {
      // Asked for and read in one round trip: the state read after the want sees it.
      let [, state] = await Promise.all([this.cache.want(uid, askedAt), this.cache.state(uid)]);
      for (let first = true; ; first = false) {
        if (!first) state = await this.cache.state(uid);
        if (state.failure !== undefined && state.failure.at >= askedAt) {
          const { code, category, message } = state.failure;
          throw new OkxError({ code, category: category as OkxErrorCategory, message });
        }
        const held = heldFrom(state, askedAt);
        // OKX serves a year back from now: what a walk has brought down to that is all there is.
        if (held !== undefined && held <= Math.max(target, this.now() - HISTORY_DEPTH_MS))
          return { complete: true, coveredFrom: Math.max(since, held) };
        const coveredFrom = held ?? state.spans[0]?.from ?? askedAt;
        const progress = `${coveredFrom} ${state.pages}`;
        if (progress !== reported && held !== undefined) {
          reported = progress;
          await options.onProgress?.({ coveredFrom, target, pages: state.pages });
        }
        // A long wait may outlive the key: a walk started now would write back the history just erased.
        if (!first && options.keyHeld !== undefined && !(await options.keyHeld())) return { complete: false, coveredFrom, keyGone: true };
        // Started before the deadline is looked at: a budget spent before the first look still leaves a walk going.
        this.start(uid, credentials);
        if (options.deadline !== undefined && this.now() >= options.deadline) return { complete: false, coveredFrom };
        await this.nextSave(uid, options.deadline);
      }
    } finally {
      const left = this.waiting.get(uid) ?? [];
      left.splice(left.indexOf(options.priority), 1);
      if (left.length === 0) this.waiting.delete(uid);
    }
  }

  /** Until this process saves a page of the account, the poll interval passes, or the deadline. */
  private nextSave(uid: string, deadline: number | undefined): Promise<void> {
    const wait = Math.max(0, Math.min(this.pollMs, (deadline ?? Infinity) - this.now()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.saved.off(uid, done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.saved.on(uid, done);
    });
  }

  private priority(uid: string): Priority {
    return this.waiting.get(uid)?.includes("interactive") ? "interactive" : "background";
  }

  private async walk(uid: string, credentials: OkxCredentials): Promise<void> {
    const lease: LeasedWrite = { token: `${this.holder}.${++this.walksStarted}`, leaseMs: this.leaseMs };
    if (!(await this.cache.takeLease(uid, lease.token, lease.leaseMs))) return;
    try {
      await this.cache.migrate(uid, lease);
      for (;;) {
        const state = await this.cache.state(uid);
        const now = this.now();
        // Planned within OKX's year only: what is kept from before it is no gap to fill, OKX has nothing there.
        const served = now - HISTORY_DEPTH_MS;
        const stretch = nextStretch(spansFrom(state.spans, served), state.refreshedAt, state.wantedAt, served);
        if (stretch === undefined) {
          await this.cache.trim(uid, lease, now - this.keepMs, state.spans);
          return;
        }
        if (!(await this.walkStretch(uid, credentials, lease, stretch))) return;
      }
    } catch (error) {
      if (!(error instanceof OkxError)) throw error;
      await this.cache.fail(uid, lease, { code: error.code, category: error.category, message: error.message, at: this.now() });
    } finally {
      await this.cache.releaseLease(uid, lease.token);
    }
  }

  /**
   * Pages one stretch, saving each page with the span it proves. Leaves the stretch early when someone asks
   * for fresher records: the rest of it is a gap the walk comes back to. False once the lease is lost.
   */
  private async walkStretch(uid: string, credentials: OkxCredentials, lease: LeasedWrite, stretch: Stretch): Promise<boolean> {
    const pages = walkPages(
      this.okx,
      credentials,
      { account: uid, priority: () => this.priority(uid), after: stretch.after, stopAt: stretch.stopAt },
      this.now,
    );
    let first = true;
    for await (const page of pages) {
      const refreshedAt = stretch.kind === "top" && first ? page.askedAt : undefined;
      first = false;
      if (!(await this.cache.savePage(uid, lease, page.records, pageSpan(stretch.stopAt, page), refreshedAt))) return false;
      this.saved.emit(uid);
      const state = await this.cache.state(uid);
      if (state.wantedAt > state.refreshedAt) return true;
    }
    return true;
  }
}

/** Oldest time from which everything up to now is held, if the newest records were asked for since `askedAt`. */
function heldFrom(state: HistoryState, askedAt: number): number | undefined {
  return state.refreshedAt >= askedAt ? state.spans[0]?.from : undefined;
}
