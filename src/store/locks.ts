import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis.js";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface LockOptions {
  /** The lock lapses this long after its holder last renewed it (a holder renews it while it works). */
  holdMs: number;
  /** How long to wait for the lock before giving up. */
  waitMs: number;
}

/** The value of a once-only claim whose work is over (a running one holds its holder's token). */
const DONE = "done";

/** A run of once-only work that this replica took: its claim lapses soon unless renewed, as it is while it runs. */
export interface OnceRun {
  /** Marks the work done, kept `doneMs`: no replica runs it again in that time. */
  finish(doneMs: number): Promise<void>;
}

export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
}

/**
 * Short exclusive locks in RedisClient, shared by every replica: `SET NX PX` with a random token, renewed while the
 * task runs and released only by its holder. A holder that dies loses the lock within `holdMs`.
 */
export class RedisLocks {
  /** Tokens are this holder's id and a count: unique across replicas without random bytes for each lock. */
  private readonly holder = randomBytes(12).toString("base64url");
  private taken = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Runs `task` holding the lock `name`. */
  async with<T>(name: string, task: () => Promise<T>, options: LockOptions): Promise<T> {
    const key = `${this.prefix}lock:${name}`;
    const token = `${this.holder}.${++this.taken}`;
    const deadline = Date.now() + options.waitMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      if ((await this.redis.set(key, token, "PX", options.holdMs, "NX")) === "OK") break;
      if (Date.now() > deadline) throw new LockTimeoutError(`lock ${name} is still held after ${options.waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const renewal = setInterval(() => {
      this.redis.eval(EXTEND, 1, key, token, options.holdMs).catch(() => undefined);
    }, options.holdMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(renewal);
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }

  /**
   * Takes the once-only work `name` for a run, unless a replica has done it or is running it: the claim is a
   * lease of `runningMs`, renewed while the run goes on and turned into "done" by `finish`. A replica that
   * dies mid-run renews nothing, and its lease lapses for another replica to take the work again.
   */
  async begin(name: string, runningMs: number): Promise<OnceRun | undefined> {
    const key = `${this.prefix}${name}`;
    const token = `${this.holder}.${++this.taken}`;
    if ((await this.redis.set(key, token, "PX", runningMs, "NX")) !== "OK") return undefined;
    const renewal = setInterval(() => {
      this.redis.eval(EXTEND, 1, key, token, runningMs).catch(() => undefined);
    }, runningMs / 3);
    return {
      finish: async (doneMs) => {
        clearInterval(renewal);
        await this.redis.set(key, DONE, "PX", doneMs);
      },
    };
  }

  /**
   * `begin`, waiting up to `waitMs` while another replica's lease on `name` holds: undefined once the work
   * is done, or still running elsewhere at the deadline.
   */
  async beginWhenFree(name: string, runningMs: number, waitMs: number): Promise<OnceRun | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const run = await this.begin(name, runningMs);
      if (run !== undefined) return run;
      const [value, left] = await Promise.all([this.redis.get(`${this.prefix}${name}`), this.redis.pttl(`${this.prefix}${name}`)]);
      if (value === DONE || Date.now() >= deadline) return undefined;
      if (value === null) continue;
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(left, 250, deadline - Date.now()))));
    }
  }

  /** True the first time `name` is claimed within `ttlMs`, by any replica; false afterwards. */
  async claimOnce(name: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}${name}`, "1", "PX", ttlMs, "NX")) === "OK";
  }
}
