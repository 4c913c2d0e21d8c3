/**
 * bench:interest — `/interest` for an account with a year of hourly records in three currencies, through
 * the bot process as `npm start` runs it, against the fake Bot API, the fake OKX at OKX's real limit
 * (5 requests per 2 s) and a private Redis:
 *
 * - cold: `/interest 1y` with nothing cached (the whole year is paged in from OKX);
 * - warm: `/interest` asked again and again (cached, one incremental request each), the bot's own time per
 *   update as it logs it, asked 600 ms apart as a person would (closer questions wait for the account's
 *   OKX slot, 416 ms);
 * - the time to compute a summary over the whole year, in this process.
 *
 * Options: --warm N (default 100).
 */
import { parseArgs } from "node:util";
import { summarize } from "../src/domain/summary.js";
import { InterestCache } from "../src/store/interest-cache.js";
import { connect, startEndToEnd } from "../test/support/e2e.js";
import { DEFAULT_LINES, fakeAccount, HOUR_MS } from "../test/support/fake-okx/index.js";
import { startRedis } from "../test/support/redis-server.js";

const { values } = parseArgs({ options: { warm: { type: "string", default: "100" } } });
const warmRuns = Number(values.warm);
const YEAR_MS = 365 * 24 * HOUR_MS;

function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

const round = (value: number) => Math.round(value * 10) / 10;

const account = fakeAccount({ name: "bench", hours: 365 * 24, lines: DEFAULT_LINES.slice(0, 3) });
const redis = await startRedis();
const e2e = await startEndToEnd(redis.url, [account], { HISTORY_BUDGET_MS: "900000", LOG_LEVEL: "info" });
try {
  console.log(`fake OKX: ${account.records.length} records, ${new Set(account.records.map((record) => record.ccy)).size} currencies, one year`);
  const chat = e2e.newChat();
  await connect(chat, account);

  const updateTimes = () => e2e.bot.logs().filter((line) => line.msg === "update" && line.kind === "message").map((line) => Number(line.ms));
  /** The bot logs an update when it is done with it, just after its last edit arrives. */
  const logged = async (count: number) => {
    while (updateTimes().length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  const coldStarted = performance.now();
  chat.send("/interest 1y");
  await chat.expect(/All currencies interest · last year[\s\S]*Updated/, 15 * 60_000);
  const coldMs = Math.round(performance.now() - coldStarted);
  console.log(`cold: /interest 1y with nothing cached: ${(coldMs / 1000).toFixed(1)} s (${account.records.length} records paged in from OKX)`);

  const before = updateTimes().length;
  for (let run = 0; run < warmRuns; run++) {
    chat.send("/interest");
    await chat.expect(/All currencies interest · last 7 days[\s\S]*Updated/);
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
  await logged(before + warmRuns);
  const warm = updateTimes().slice(-warmRuns);
  const warmP50Ms = percentile(warm, 0.5);
  const warmP99Ms = percentile(warm, 0.99);
  console.log(`warm: /interest (7 days, cached, one incremental request) × ${warm.length}: p50 ${warmP50Ms} ms, p99 ${warmP99Ms} ms of the bot's own time`);

  const yearRuns: number[] = [];
  for (let run = 0; run < 10; run++) {
    chat.send("/interest 1y");
    await chat.expect(/All currencies interest · last year[\s\S]*Updated/);
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
  await logged(before + warmRuns + 10);
  yearRuns.push(...updateTimes().slice(-10));
  console.log(`warm: /interest 1y (a whole year read from Redis and summed) × 10: p50 ${percentile(yearRuns, 0.5)} ms`);

  const now = Date.now();
  const records = await new InterestCache(e2e.redis, e2e.prefix).range(account.uid, now - YEAR_MS, now);
  const summaryRuns: number[] = [];
  for (let run = 0; run < 50; run++) {
    const started = performance.now();
    summarize(records, now - YEAR_MS, now);
    summaryRuns.push(performance.now() - started);
  }
  const summaryYearMs = round(percentile(summaryRuns, 0.5));
  console.log(`summary of a year (${records.length} records, 3 currencies): p50 ${summaryYearMs} ms, p99 ${round(percentile(summaryRuns, 0.99))} ms`);

  console.log(JSON.stringify({ bench: "interest", coldMs, warmP50Ms, warmP99Ms, summaryYearMs }));
} finally {
  await e2e.close();
  await redis.stop();
}
