/**
 * bench:interest — `/interest` for accounts with a year of hourly records in four lines, through the bot
 * process as `npm start` runs it, against the fake Bot API, the fake OKX at OKX's real limit (5 requests
 * per 2 s) and a private Redis. Two accounts connect at once, each with its own limit:
 *
 * - backfill: the first is asked nothing; from `/connect` succeeding to its whole year held, and the pages
 *   per second of that walk against OKX's 2.5;
 * - cold: the second asks `/interest 1y` at once (the answer waits for its walk);
 * - the Redis the first account's year takes, per record (MEMORY USAGE of every key of the account);
 * - the Redis each year kept past OKX's costs a typical account (three lines borrowed every hour: 26,280
 *   records): what a second year of blocks adds to its keys (MEMORY USAGE, every field counted);
 * - warm: `/interest` (7 days) and `/interest 1y` asked again and again, the bot's own time per update as
 *   it logs it, 600 ms apart as a person would (closer questions wait for the account's OKX slot);
 * - the time to compute a summary over the whole year, in this process.
 *
 * Options: --warm N (default 100).
 */
import { parseArgs } from "node:util";
import { summarize } from "../src/domain/summary.js";
import { HISTORY_DEPTH_MS, INTEREST_ACCRUED_PATH } from "../src/okx/interest-accrued.js";
import { InterestCache } from "../src/store/interest-cache.js";
import { fillCache } from "../test/support/cache.js";
import { connect, startEndToEnd } from "../test/support/e2e.js";
import { DEFAULT_LINES, fakeAccount, generateAccruals, HOUR_MS } from "../test/support/fake-okx/index.js";
import { startRedis } from "../test/support/redis-server.js";

const { values } = parseArgs({ options: { warm: { type: "string", default: "100" } } });
const warmRuns = Number(values.warm);
/** OKX's limit for the endpoint: 5 requests per 2 s. */
const CEILING_PER_SECOND = 2.5;

function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

const round = (value: number) => Math.round(value * 10) / 10;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const quiet = fakeAccount({ name: "bench", hours: 365 * 24 });
const asking = fakeAccount({ name: "bench-cold", hours: 365 * 24 });
const redis = await startRedis();
const e2e = await startEndToEnd(redis.url, [quiet, asking], { HISTORY_BUDGET_MS: "900000", LOG_LEVEL: "info" });
try {
  console.log(`fake OKX: two accounts of ${quiet.records.length} records each, four lines, one year`);
  const cache = new InterestCache(e2e.redis, e2e.prefix);
  /** The whole year held: one span from a year back, its newest records asked for. */
  const yearHeld = async (uid: string) => {
    const { spans, refreshedAt } = await cache.state(uid);
    return refreshedAt > 0 && spans.length === 1 && spans[0]!.from <= Date.now() - HISTORY_DEPTH_MS + 60_000;
  };

  const [quietChat, askingChat] = [e2e.newChat(), e2e.newChat()];
  const connected = Promise.all([
    connect(quietChat, quiet).then(() => performance.now()),
    connect(askingChat, asking).then(() => {
      const started = performance.now();
      askingChat.send("/interest 1y");
      return started;
    }),
  ]);
  const [quietConnectedAt, coldStarted] = await connected;
  const progress = setInterval(() => {
    const pages = e2e.okx.servedAt(quiet.uid, INTEREST_ACCRUED_PATH).length;
    console.log(`backfill: ${pages} pages after ${((performance.now() - quietConnectedAt) / 1000).toFixed(0)} s`);
  }, 20_000);
  while (!(await yearHeld(quiet.uid))) await pause(20);
  const backfillMs = Math.round(performance.now() - quietConnectedAt);
  clearInterval(progress);
  const pages = e2e.okx.servedAt(quiet.uid, INTEREST_ACCRUED_PATH).length;
  const backfillRatio = Math.round((pages / (backfillMs / 1000) / CEILING_PER_SECOND) * 1000) / 1000;
  console.log(
    `backfill: the whole year held ${(backfillMs / 1000).toFixed(1)} s after /connect, no question asked: ${pages} pages, ratio ${backfillRatio} of OKX's 2.5 a second`,
  );

  await askingChat.expect(/All currencies interest · last year[\s\S]*Updated/, 15 * 60_000);
  const coldMs = Math.round(performance.now() - coldStarted);
  console.log(`cold: /interest 1y asked right after /connect: ${(coldMs / 1000).toFixed(1)} s (${asking.records.length} records paged in from OKX)`);

  let bytes = 0;
  for (const key of await e2e.redis.keys(`${e2e.prefix}rec:${quiet.uid}*`)) bytes += (await e2e.redis.memory("USAGE", key)) ?? 0;
  const bytesPerRecord = round(bytes / quiet.records.length);
  console.log(`redis: ${(bytes / 1024).toFixed(0)} kB for the year of one account, ${bytesPerRecord} bytes a record`);

  // A year kept past OKX's: three lines, every hour, a year older than the year held.
  const kept = "bench-kept";
  const keptBytes = async () => {
    let total = 0;
    for (const key of await e2e.redis.keys(`${e2e.prefix}rec:${kept}*`)) total += (await e2e.redis.memory("USAGE", key, "SAMPLES", 0)) ?? 0;
    return total;
  };
  const lines = DEFAULT_LINES.slice(0, 3);
  const served = generateAccruals({ seed: 2, lines, endTs: Date.now(), hours: 365 * 24 });
  await fillCache(cache, kept, served);
  const oneYear = await keptBytes();
  const older = generateAccruals({ seed: 3, lines, endTs: Date.now() - 365 * 24 * HOUR_MS, hours: 365 * 24 });
  await fillCache(cache, kept, older);
  const bytesPerAccountYear = (await keptBytes()) - oneYear;
  console.log(
    `redis: each kept year of an account of three lines borrowed every hour (${older.length} records) adds ${(bytesPerAccountYear / 1024).toFixed(0)} kB (${round(bytesPerAccountYear / older.length)} bytes a record)`,
  );

  const updateTimes = () =>
    e2e.bot
      .logs()
      .filter((line) => line.msg === "update" && line.kind === "message")
      .map((line) => Number(line.ms));
  /** The bot logs an update when it is done with it, just after its last edit arrives. */
  const logged = async (count: number) => {
    while (updateTimes().length < count) await pause(10);
  };
  const warmTimes = async (command: string, reply: RegExp, runs: number) => {
    const before = updateTimes().length;
    for (let run = 0; run < runs; run++) {
      quietChat.send(command);
      await quietChat.expect(reply);
      await pause(600);
    }
    await logged(before + runs);
    return updateTimes().slice(-runs);
  };

  const warm = await warmTimes("/interest", /All currencies interest · last 7 days[\s\S]*Updated/, warmRuns);
  const warmP50Ms = percentile(warm, 0.5);
  const warmP99Ms = percentile(warm, 0.99);
  console.log(
    `warm: /interest (7 days, cached, one request for what is new) × ${warm.length}: p50 ${warmP50Ms} ms, p99 ${warmP99Ms} ms of the bot's own time`,
  );

  const year = await warmTimes("/interest 1y", /All currencies interest · last year[\s\S]*Updated/, 20);
  const warm1yP50Ms = percentile(year, 0.5);
  console.log(
    `warm: /interest 1y (a whole year read from Redis and summed) × ${year.length}: p50 ${warm1yP50Ms} ms, p99 ${percentile(year, 0.99)} ms`,
  );

  const now = Date.now();
  const records = await cache.range(quiet.uid, now - HISTORY_DEPTH_MS, now);
  const summaryRuns: number[] = [];
  for (let run = 0; run < 50; run++) {
    const started = performance.now();
    summarize(records, now - HISTORY_DEPTH_MS, now);
    summaryRuns.push(performance.now() - started);
  }
  const summaryYearMs = round(percentile(summaryRuns, 0.5));
  console.log(
    `summary of a year (${records.length} records, four lines) from records: p50 ${summaryYearMs} ms, p99 ${round(percentile(summaryRuns, 0.99))} ms`,
  );

  console.log(
    JSON.stringify({
      bench: "interest",
      coldMs,
      warmP50Ms,
      warmP99Ms,
      summaryYearMs,
      bytesPerRecord,
      bytesPerAccountYear,
      warm1yP50Ms,
      backfillMs,
      backfillRatio,
    }),
  );
} finally {
  await e2e.close();
  await redis.stop();
}
