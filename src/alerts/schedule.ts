import type { ConnectionOptions, JobsOptions, Queue } from "bullmq";
import type { Logger } from "../log.js";
import { forgetJobs, openQueue } from "../store/queue-jobs.js";
import type { RedisClient } from "../store/redis.js";

export const ALERT_QUEUE = "alerts";

export type AlertJobData =
  /** The hour's check is due: one `check` job per person with a rule. */
  | { kind: "hour" }
  /** One person's accounts checked, as of `at` (ms). */
  | { kind: "check"; userId: number; at: number }
  /** The person's quiet hours ended at `at`: what they held goes out as one message. */
  | { kind: "release"; userId: number; at: number };

/**
 * Five minutes past each hour (UTC), soon after the hour's accruals are written; an account whose newest
 * hour is not there yet is evaluated at the next check, at whatever hour is newest then.
 */
export const CHECK_PATTERN = "5 * * * *";
const HOURLY = "alerts-hourly";

/** Retries space out over about five minutes (OKX down, another run sending the same alert). */
export const ALERT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: "exponential", delay: 10_000 },
  removeOnComplete: { age: 3600, count: 50_000 },
  removeOnFail: { age: 24 * 3600 },
};

/** The alerts' queue, shared by every replica. */
export const openAlertQueue = (connection: ConnectionOptions, prefix: string, logger: Pick<Logger, "warn">): Queue<AlertJobData> =>
  openQueue<AlertJobData>(ALERT_QUEUE, connection, prefix, logger);

/** `check-<user>-<at>`, `release-<user>-<at>`: named by person and time, so two replicas never make two. */
const jobId = (kind: "check" | "release", userId: number, at: number) => `${kind}-${userId}-${at}`;

/**
 * The alerts' jobs in the BullMQ queue every replica shares: one job scheduler for the hour (upserting it
 * twice changes nothing), each hour's checks and each end of quiet hours named by person and time.
 */
export class AlertSchedule {
  constructor(
    private readonly queue: Queue<AlertJobData>,
    /** The queue's Redis, for erasing a person's jobs and events (`forget`). */
    private readonly redis: RedisClient,
  ) {}

  /** The hourly check, once for all replicas. */
  async start(): Promise<void> {
    await this.queue.upsertJobScheduler(HOURLY, { pattern: CHECK_PATTERN }, { name: "hour", data: { kind: "hour" }, opts: ALERT_JOB_OPTIONS });
  }

  /** One check of each person as of `at`; a person checked for `at` already is not checked again. */
  async check(userIds: readonly number[], at: number): Promise<void> {
    await this.queue.addBulk(
      userIds.map((userId) => ({
        name: "check",
        data: { kind: "check" as const, userId, at },
        opts: { ...ALERT_JOB_OPTIONS, jobId: jobId("check", userId, at) },
      })),
    );
  }

  /** Sends what the person's quiet hours held at `at`, once. */
  async release(userId: number, at: number, now = Date.now()): Promise<void> {
    await this.queue.add(
      "release",
      { kind: "release", userId, at },
      { ...ALERT_JOB_OPTIONS, jobId: jobId("release", userId, at), delay: Math.max(0, at - now) },
    );
  }

  /** Erases every job of the person and the queue's events naming them, waiting up to `waitMs` for one being run. */
  async forget(userId: number, waitMs = 15_000): Promise<void> {
    const jobs = {
      globs: [`check-${userId}-*`, `release-${userId}-*`],
      id: new RegExp(`^((?:check|release)-${userId}-\\d+)(?=:|$)`),
      events: new RegExp(`^(check|release)-${userId}-`),
    };
    await forgetJobs(this.queue, this.redis, jobs, { waitMs });
  }
}
