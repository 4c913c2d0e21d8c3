/**
 * bench:render — the two answers of the summary's 📈 Chart and ⬇ CSV buttons for an account with a year of
 * hourly records in three currencies, in this process, against a private Redis:
 *
 * - chart: the year's records bucketed into local days (exact sums) and drawn as a PNG, one panel per
 *   currency (what the bot does once it holds the records);
 * - export: the year streamed from the cache in batches and written as CSV (what the bot writes to the
 *   document it uploads).
 *
 * Also prints the time to read the year from Redis, which the chart needs first. Options: --runs N (default 20).
 */
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createI18n } from "../src/bot/i18n.js";
import { chartPicture } from "../src/bot/views/chart.js";
import { CsvDocuments } from "../src/domain/csv.js";
import { dailyInterest } from "../src/domain/daily.js";
import { renderChart } from "../src/render/chart.js";
import { fillCache } from "../test/support/cache.js";
import { InterestCache } from "../src/store/interest-cache.js";
import { PreferenceStore } from "../src/store/preferences.js";
import { DEFAULT_LINES, generateAccruals, HOUR_MS } from "../test/support/fake-okx/index.js";
import { startRedis } from "../test/support/redis-server.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" } } });
const runs = Number(values.runs);
const YEAR_MS = 365 * 24 * HOUR_MS;
const ZONE = "Asia/Shanghai";

function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** Runs the work `runs` times after one warm-up; the work says what it produced. */
async function timed(label: string, work: () => Promise<string>): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    const produced = await work();
    const ms = performance.now() - started;
    // The first run loads fonts and warms the code; it is shown, not counted.
    if (run > 0) samples.push(ms);
    console.log(`${label} ${run === 0 ? "(warm-up)" : `#${run}`}: ${ms.toFixed(1)} ms, ${produced}`);
  }
  return samples;
}

const redis = await startRedis();
const client = new Redis(redis.url);
try {
  const cache = new InterestCache(client, "bench:");
  const i18n = createI18n(new PreferenceStore(client, "bench:"));
  const t = (key: string, variables?: Record<string, string | number>) => i18n.t("en", key, variables);
  const to = Date.now();
  const from = to - YEAR_MS;
  await fillCache(cache, "bench", generateAccruals({ hours: 365 * 24, endTs: to, lines: DEFAULT_LINES.slice(0, 3) }));
  const records = await cache.range("bench", from, to);
  console.log(`cache: ${records.length} records, ${new Set(records.map((record) => record.ccy)).size} currencies, one year; zone ${ZONE}`);

  const reads = await timed("read the year from Redis", async () => `${(await cache.range("bench", from, to)).length} records`);
  const charts = await timed("chart of the year (days + PNG)", async () => {
    const daily = dailyInterest(records, from, to, ZONE);
    return `${((await renderChart(chartPicture(t, "en", { period: "1y" }, daily))).length / 1024).toFixed(0)} kB of PNG`;
  });
  const exports = await timed("CSV of the year (from the cache)", async () => {
    const documents = new CsvDocuments(cache.batches("bench", from, to), ZONE);
    let bytes = 0;
    for (let document = await documents.next(); document !== undefined; document = await documents.next()) {
      for await (const chunk of document) bytes += chunk.length;
    }
    return `${(bytes / 1024).toFixed(0)} kB of CSV`;
  });

  const chartMs = round(percentile(charts, 0.5));
  const exportMs = round(percentile(exports, 0.5));
  console.log(`read a year from Redis: p50 ${round(percentile(reads, 0.5))} ms`);
  console.log(`chart: p50 ${chartMs} ms, p90 ${round(percentile(charts, 0.9))} ms (target < 300 ms)`);
  console.log(`export: p50 ${exportMs} ms, p90 ${round(percentile(exports, 0.9))} ms (target < 200 ms)`);
  console.log(JSON.stringify({ bench: "render", chartMs, exportMs }));
} finally {
  await client.quit();
  await redis.stop();
}
