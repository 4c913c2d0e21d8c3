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

  /** True the first time `name` is claimed within `ttlMs`, by any replica; false afterwards. */
  async claimOnce(name: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}${name}`, "1", "PX", ttlMs, "NX")) === "OK";
  }
}
