import type { ConnectionOptions, JobsOptions, Queue } from "bullmq";
import type { DigestSettings } from "../domain/digest.js";
import type { Logger } from "../log.js";
import { forgetJobs, openQueue } from "../store/queue-jobs.js";
import type { RedisClient } from "../store/redis.js";

export const DIGEST_QUEUE = "digest";
export const DIGEST_JOB = "digest";

export interface DigestJobData {
  userId: number;
  /** Asked for with "Send now": not tied to a scheduled day. */
  manual?: boolean;
}

/**
 * Retries space out over about ten minutes (OKX down, another run of the same day still preparing);
 * finished jobs are kept a day, for inspection, then dropped.
 */
export const DIGEST_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: "exponential", delay: 10_000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The digests' queue, shared by every replica. */
export const openDigestQueue = (connection: ConnectionOptions, prefix: string, logger: Pick<Logger, "warn">): Queue<DigestJobData> =>
  openQueue<DigestJobData>(DIGEST_QUEUE, connection, prefix, logger);

const schedulerId = (userId: number) => `digest-${userId}`;
/** The ids of a user's jobs: runs of their scheduler (`repeat:digest-<user>:<due ms>`) and "Send now" (`now-<user>-<n>`). */
const jobIdOf = (userId: number) => new RegExp(`^(repeat:digest-${userId}:\\d+|now-${userId}-\\d+)(?=:|$)`);

/** Cron for a daily time: minute, hour, every day. */
export const dailyPattern = (settings: Pick<DigestSettings, "hour" | "minute">) => `${settings.minute} ${settings.hour} * * *`;

/**
 * Each user's digest as one BullMQ job scheduler in Redis, shared by every replica: upserting the same
 * scheduler twice changes nothing, and its jobs are named by scheduler and due time, so two replicas never
 * make two jobs for one due time. BullMQ computes due times with cron-parser in the user's zone (tested
 * across daylight-saving changes in test/digest/schedule.test.ts).
 */
export class DigestSchedule {
  constructor(
    private readonly queue: Queue<DigestJobData>,
    /** The queue's Redis, for erasing a user's jobs and events (`forget`). */
    private readonly redis: RedisClient,
  ) {}

  /** Starts, moves or stops the user's daily job to match their settings. */
  async apply(userId: number, settings: DigestSettings, zone: string): Promise<void> {
    if (!settings.on) return this.remove(userId);
    await this.queue.upsertJobScheduler(
      schedulerId(userId),
      { pattern: dailyPattern(settings), tz: zone },
      { name: DIGEST_JOB, data: { userId }, opts: DIGEST_JOB_OPTIONS },
    );
  }

  async remove(userId: number): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(userId));
  }

  async has(userId: number): Promise<boolean> {
    return (await this.queue.getJobScheduler(schedulerId(userId))) != null;
  }

  /** When the user's next digest is due, if one is scheduled. */
  async next(userId: number): Promise<number | undefined> {
    return (await this.queue.getJobScheduler(schedulerId(userId)))?.next ?? undefined;
  }

  /**
   * Erases everything the queue holds of the user: the scheduler and its next job, every job of theirs
   * whatever its state (waiting, delayed, finished, failed), and the queue's events naming them. A digest
   * being delivered right now is waited for, up to `waitMs`, and then erased as well.
   */
  async forget(userId: number, waitMs = 15_000): Promise<void> {
    const jobs = {
      globs: [`repeat:${schedulerId(userId)}:*`, `now-${userId}-*`],
      id: jobIdOf(userId),
      events: new RegExp(`(^|:)${schedulerId(userId)}(:|$)|^now-${userId}-`),
    };
    await forgetJobs(this.queue, this.redis, jobs, { waitMs, before: () => this.remove(userId) });
  }

  /** The same job now; presses within the same three seconds make one. */
  async sendNow(userId: number, now: number): Promise<void> {
    await this.queue.add(DIGEST_JOB, { userId, manual: true }, { ...DIGEST_JOB_OPTIONS, jobId: `now-${userId}-${Math.floor(now / 3_000)}` });
  }
}
