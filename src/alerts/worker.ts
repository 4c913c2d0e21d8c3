import { Worker, type ConnectionOptions, type Job } from "bullmq";
import type { AlertSettingsStore } from "../store/alert-settings.js";
import { AlertRetry, checkAlerts, releaseAlerts, type AlertDependencies, type AlertOutcome } from "./check.js";
import { ALERT_QUEUE, type AlertJobData, type AlertSchedule } from "./schedule.js";

export interface AlertWorkerOptions extends AlertDependencies {
  settings: AlertSettingsStore;
  schedule: AlertSchedule;
  /** A Redis connection for BullMQ (`maxRetriesPerRequest: null`, as its blocking reads need). */
  connection: ConnectionOptions;
  /** BullMQ's key prefix, e.g. `okxi:bull`. */
  prefix: string;
  /** Checks run at once by this process; OKX's limit per account and the send pace hold for all replicas regardless. */
  concurrency: number;
  /** Told of each check finished, for metrics and benchmarks. */
  onChecked?: (outcome: AlertOutcome) => void;
}

/** When a job was due: the time its scheduler asked for, or when it was added. */
const dueAt = (job: Job<AlertJobData>) => job.timestamp + (job.opts.delay ?? 0);

/**
 * Takes the alerts' jobs from the queue every replica shares: the hour's job adds one check per person
 * with a rule (named by person and hour, so a second run of it adds none), each check evaluates and sends,
 * each release sends what quiet hours held. A job whose worker died is handed to another once its lock
 * lapses, and the alerts' state and send marks keep anything from going out twice.
 */
export function startAlertWorker(options: AlertWorkerOptions): Worker<AlertJobData> {
  const { logger } = options;
  const worker = new Worker<AlertJobData>(
    ALERT_QUEUE,
    async (job) => {
      const jobId = job.id ?? job.name;
      const data = job.data;
      if (data.kind === "hour") {
        const at = dueAt(job);
        for await (const users of options.settings.users()) await options.schedule.check(users, at);
        return;
      }
      if (data.kind === "release") return releaseAlerts(options, { jobId, userId: data.userId, at: data.at });
      const outcome = await checkAlerts(options, { jobId, userId: data.userId, at: data.at });
      options.onChecked?.(outcome);
      return outcome;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency, autorun: true },
  );
  worker.on("failed", (job, error) => {
    if (job === undefined) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const level = error instanceof AlertRetry && !final ? "info" : "warn";
    logger[level]({ job: job.id, attempt: job.attemptsMade, final, err: error }, "alert job not done");
  });
  worker.on("error", (error) => logger.warn({ err: error }, "alert worker problem"));
  return worker;
}
