import type { JobsOptions, Queue } from "bullmq";
import type { DigestSettings } from "../domain/digest.js";

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

const schedulerId = (userId: number) => `digest-${userId}`;

/** Cron for a daily time: minute, hour, every day. */
export const dailyPattern = (settings: Pick<DigestSettings, "hour" | "minute">) => `${settings.minute} ${settings.hour} * * *`;

/**
 * Each user's digest as one BullMQ job scheduler in Redis, shared by every replica: upserting the same
 * scheduler twice changes nothing, and its jobs are named by scheduler and due time, so two replicas never
 * make two jobs for one due time. BullMQ computes due times with cron-parser in the user's zone (tested
 * across daylight-saving changes in test/digest/schedule.test.ts).
 */
export class DigestSchedule {
  constructor(private readonly queue: Queue<DigestJobData>) {}

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

  /** The same job now; presses within the same three seconds make one. */
  async sendNow(userId: number, now: number): Promise<void> {
    await this.queue.add(DIGEST_JOB, { userId, manual: true }, { ...DIGEST_JOB_OPTIONS, jobId: `now-${userId}-${Math.floor(now / 3_000)}` });
  }
}
