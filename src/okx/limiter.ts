import Bottleneck from "bottleneck";
import type { Cluster, Redis } from "ioredis";
import { evenSpacing } from "../domain/spacing.js";

import type { Priority } from "../domain/priority.js";

/** Bottleneck runs lower numbers first; its default is 5. */
const BOTTLENECK_PRIORITY: Readonly<Record<Priority, number>> = { interactive: 2, background: 7 };

/** Runs requests of one OKX account no faster than OKX allows, however many processes share the account. */
export interface RequestScheduler {
  schedule<T>(account: string, priority: Priority, task: () => Promise<T>): Promise<T>;
  /** Waiting jobs per priority in this process, for metrics. */
  queued(): Readonly<Record<Priority, number>>;
  close(): Promise<void>;
}

export interface AccountLimiterOptions {
  /**
   * A connection of the limiter's own, closed with it; Bottleneck duplicates it for its subscriber, so it
   * should not auto-pipeline.
   */
  redis: Redis | Cluster;
  /** Redis key prefix, e.g. `okxi:`; Bottleneck's keys become `b_<prefix>lim-<accountKey(account)>_*`. */
  prefix: string;
  /**
   * An account's part of its keys, the account itself by default. In a cluster `{<account>}`: Bottleneck's
   * scripts touch all of an account's keys at once, so they must share a slot.
   */
  accountKey?: (account: string) => string;
  /** OKX: 5 requests per 2 s per user ID for interest-accrued. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** Extra spacing, as a share of the even slot, to absorb jitter between the start of a request and its arrival. */
  safetyMargin?: number;
  /** An account's limiter, in this process and in Redis, goes away after this long without requests. */
  idleMs?: number;
  /** Requests of one account in flight (or waiting for their turn) at once, across all processes. */
  maxConcurrent?: number;
  onError?: (error: unknown) => void;
}

type ScriptCallback = (error: Error | null, replies: unknown) => void;
type ScriptFn = (...args: unknown[]) => unknown;

/** Bottleneck's connection with the internal hook through which it runs its Lua scripts (untyped upstream). */
const ScriptingConnection = Bottleneck.IORedisConnection as unknown as new (
  options: Bottleneck.IORedisConnectionOptions,
) => Bottleneck.IORedisConnection & { __scriptFn__(name: string): ScriptFn };

/**
 * Bottleneck 2.19.5's scripts answer `redis.error_reply('SETTINGS_KEY_NOT_FOUND')` and compare the message
 * with `===`. Redis 7 prefixes such replies with "ERR ", so Bottleneck no longer recognises them: once an
 * idle account's keys had expired, every later request failed instead of re-creating the limiter. This
 * connection strips the prefix again from those two replies only.
 */
class Redis7Connection extends ScriptingConnection {
  override __scriptFn__(name: string): ScriptFn {
    const run = super.__scriptFn__(name);
    return (...args: unknown[]) => {
      const callback = args.pop() as ScriptCallback;
      return run(...args, (error: Error | null, replies: unknown) => {
        const bare = error?.message.match(/^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$/)?.[1];
        if (error !== null && bare !== undefined) error.message = bare;
        callback(error, replies);
      });
    };
  }
}

/** Bottleneck's `minTime`: the even spacing that holds OKX's sliding window, rounded up to whole ms. */
export function spacingMs(requestsPerWindow: number, windowMs: number, safetyMargin: number): number {
  return Math.ceil(evenSpacing(requestsPerWindow, windowMs, safetyMargin));
}

export function createAccountLimiter(options: AccountLimiterOptions): RequestScheduler {
  const connection = new Redis7Connection({ client: options.redis });
  const accountKey = options.accountKey ?? ((account: string) => account);
  const group = new Bottleneck.Group({
    id: `${options.prefix}lim`,
    datastore: "ioredis",
    connection,
    minTime: spacingMs(options.requestsPerWindow ?? 5, options.windowMs ?? 2000, options.safetyMargin ?? 0.04),
    // Only this many requests of an account hold a slot at once; the rest wait in the local queue, where
    // priority decides. Without a cap every job would take a slot at once, in arrival order.
    maxConcurrent: options.maxConcurrent ?? 2,
    timeout: options.idleMs ?? 5 * 60_000,
  });
  const onError = options.onError ?? (() => undefined);
  connection.on("error", onError);
  group.on("error", onError);
  group.on("created", (limiter) => limiter.on("error", onError));

  const waiting: Record<Priority, number> = { interactive: 0, background: 0 };

  return {
    schedule<T>(account: string, priority: Priority, task: () => Promise<T>): Promise<T> {
      waiting[priority]++;
      let started = false;
      const start = () => {
        if (!started) {
          started = true;
          waiting[priority]--;
        }
      };
      return group
        .key(accountKey(account))
        .schedule({ priority: BOTTLENECK_PRIORITY[priority] }, () => {
          start();
          return task();
        })
        .finally(start);
    },
    queued: () => ({ ...waiting }),
    async close() {
      await Promise.all(group.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: false })));
      await connection.disconnect(true);
    },
  };
}
