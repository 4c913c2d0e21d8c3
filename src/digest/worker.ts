import { Worker, type ConnectionOptions, type Job } from "bullmq";
import { deliverDigest, DigestRetry, type DigestDeliveryDependencies, type DigestOutcome } from "./deliver.js";
import { DIGEST_QUEUE, type DigestJobData } from "./schedule.js";

export interface DigestWorkerOptions extends DigestDeliveryDependencies {
  /** A Redis connection for BullMQ (`maxRetriesPerRequest: null`, as its blocking reads need). */
  connection: ConnectionOptions;
  /** BullMQ's key prefix, e.g. `okxi:bull`. */
  prefix: string;
  /** Digests prepared at once by this process; sends are spaced across all replicas regardless. */
  concurrency: number;
  /** Told of each digest finished or given up on, for metrics. */
  onFinished?: (outcome: DigestOutcome | "failed") => void;
}

/** When a job was due: the time its scheduler asked for, or when it was added. */
const dueAt = (job: Job<DigestJobData>) => job.timestamp + (job.opts.delay ?? 0);

/**
 * Takes digest jobs from the queue every replica shares. A job whose worker died is handed to another
 * once its lock lapses (BullMQ's stalled check), and the day marks keep it from going out twice.
 */
export function startDigestWorker(options: DigestWorkerOptions): Worker<DigestJobData, DigestOutcome> {
  const { logger, onFinished } = options;
  const worker = new Worker<DigestJobData, DigestOutcome>(
    DIGEST_QUEUE,
    (job) => deliverDigest(options, { jobId: job.id ?? job.name, userId: job.data.userId, dueAt: dueAt(job), manual: job.data.manual === true }),
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency, autorun: true },
  );
  worker.on("completed", (job, outcome) => {
    logger.info({ user: job.data.userId, job: job.id, outcome, lateMs: Date.now() - dueAt(job) }, "digest");
    onFinished?.(outcome);
  });
  worker.on("failed", (job, error) => {
    if (job === undefined) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const level = error instanceof DigestRetry && !final ? "info" : "warn";
    logger[level]({ user: job.data.userId, job: job.id, attempt: job.attemptsMade, final, err: error }, "digest not delivered");
    if (final) onFinished?.("failed");
  });
  worker.on("error", (error) => logger.warn({ err: error }, "digest worker problem"));
  return worker;
}
