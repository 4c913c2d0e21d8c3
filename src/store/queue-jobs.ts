import { Queue, type ConnectionOptions } from "bullmq";
import { globLiteral, scanKeys, type RedisClient } from "./redis.js";

/**
 * A queue every replica shares, its connection problems (a Redis outage) logged as `<what> queue
 * problem`: with no listener, BullMQ writes each one to stderr as a raw stack.
 */
export function openQueue<T>(
  name: string,
  connection: ConnectionOptions,
  prefix: string,
  logger: { warn(details: object, message: string): void },
): Queue<T> {
  const queue = new Queue<T>(name, { connection, prefix });
  queue.on("error", (error) => logger.warn({ err: error }, `${name} queue problem`));
  return queue;
}

/** How a person's jobs are named in a queue, so they can be found and erased. */
export interface PersonJobs {
  /** Globs of their job ids (`now-7-*`). */
  globs: string[];
  /** Their job id at the start of a key's rest after the queue's name, as group 1. */
  id: RegExp;
  /** A value in the queue's events that names them. */
  events: RegExp;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Erases everything a BullMQ queue holds of a person: every job of theirs whatever its state (waiting,
 * delayed, finished, failed), found by its keys, and the queue's events naming them. A job being run right
 * now is waited for, up to `waitMs`, and then erased as well; `before` runs before each pass (to remove the
 * person's scheduler, which would add a job again).
 */
export async function forgetJobs(
  queue: Queue,
  redis: RedisClient,
  jobs: PersonJobs,
  options: { waitMs: number; before?: () => Promise<void> },
): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    await options.before?.();
    // 1: removed (or gone already); 0: a worker holds it right now.
    const codes = await Promise.all((await jobIds(queue, redis, jobs)).map((id) => queue.remove(id)));
    if (codes.every((code) => code !== 0) || Date.now() > deadline) break;
    await sleep(100);
  }
  await forgetEvents(queue, redis, jobs.events);
}

async function jobIds(queue: Queue, redis: RedisClient, jobs: PersonJobs): Promise<string[]> {
  const base = `${queue.qualifiedName}:`;
  const ids = new Set<string>();
  for (const glob of jobs.globs) {
    for await (const key of scanKeys(redis, `${globLiteral(base)}${glob}`, 1000)) {
      const id = jobs.id.exec(key.slice(base.length))?.[1];
      if (id !== undefined) ids.add(id);
    }
  }
  return [...ids];
}

/** Deletes the queue's events that name the person (BullMQ keeps the last ten thousand or so). */
async function forgetEvents(queue: Queue, redis: RedisClient, names: RegExp): Promise<void> {
  const key = queue.toKey("events");
  for (let start = "-"; ;) {
    const entries = await redis.xrange(key, start, "+", "COUNT", 1000);
    const naming = entries.filter(([, fields]) => fields.some((value) => names.test(value))).map(([id]) => id);
    if (naming.length > 0) await redis.xdel(key, ...naming);
    if (entries.length < 1000) return;
    start = `(${entries.at(-1)![0]}`;
  }
}
