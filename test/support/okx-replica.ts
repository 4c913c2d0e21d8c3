/**
 * One bot replica's OKX side, as a separate process: its own Redis connection, limiter and client, sharing
 * one account with its siblings. Used by the limiter tests and `bench:okx`.
 *
 * Input: a JSON `ReplicaJob` as the first argument. Output: one JSON `ReplicaReport` line on stdout.
 */
import { Redis } from "ioredis";
import type { OkxCredentials } from "../../src/domain/api-key.js";
import { OkxClient } from "../../src/okx/client.js";
import { interestHistory, fetchInterestAccrued } from "../../src/okx/interest-accrued.js";
import { createAccountLimiter } from "../../src/okx/limiter.js";
import type { RegionUrls } from "../../src/okx/regions.js";

export interface ReplicaJob {
  redisUrl: string;
  prefix: string;
  urls: RegionUrls;
  credentials: OkxCredentials;
  account: string;
  windowMs: number;
  /** Either a number of single-page requests sent at once, or a stretch of history to page through. */
  work: { requests: number } | { since: number; until: number };
  /** Wall-clock time at which to begin, so that siblings start together. */
  startAt: number;
}

export interface ReplicaReport {
  requests: number;
  records: number;
  startedAt: number;
  finishedAt: number;
}

async function run(job: ReplicaJob): Promise<ReplicaReport> {
  const redis = new Redis(job.redisUrl);
  const scheduler = createAccountLimiter({ redis: redis.duplicate(), prefix: job.prefix, windowMs: job.windowMs });
  const client = new OkxClient({ urls: job.urls, scheduler });
  const options = { account: job.account, priority: "background" as const };
  // A running replica has its HTTP machinery loaded and a connection open; so should this one before the clock starts.
  await fetch(`${job.urls[job.credentials.region]}/api/v5/public/time`).then((response) => response.text());
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt - Date.now())));
  const startedAt = Date.now();
  let requests = 0;
  let records = 0;
  if ("requests" in job.work) {
    const pages = await Promise.all(
      Array.from({ length: job.work.requests }, () => fetchInterestAccrued(client, job.credentials, { limit: 1 }, options)),
    );
    requests = pages.length;
    records = pages.flat().length;
  } else {
    for await (const page of interestHistory(client, job.credentials, { ...options, since: job.work.since, until: job.work.until })) {
      requests++;
      records += page.length;
    }
  }
  const finishedAt = Date.now();
  await scheduler.close();
  await redis.quit();
  return { requests, records, startedAt, finishedAt };
}

const job = JSON.parse(process.argv[2] ?? "") as ReplicaJob;
run(job).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
