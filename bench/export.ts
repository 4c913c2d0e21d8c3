/**
 * bench:export — how long the main event loop stalls while a one-year export of a wide account (40
 * borrowing lines, about 335,000 hourly records, 35 MB of CSV) is built, against a private Redis:
 *
 * - before: on the main thread, as the bot did: the cache's batches (each month's blocks decoded and put in
 *   time order), formatted as CSV and written to files;
 * - after: the main thread reads the blocks' bytes and hands them to the export pool (one thread), which
 *   decodes, orders, formats and writes the files.
 *
 * The stall is the longest event-loop delay seen (perf_hooks' monitorEventLoopDelay) while the export runs.
 * Each way runs once to warm up, then `--runs` times (default 3); the figures are medians.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { CsvDocuments } from "../src/domain/csv.js";
import { writeCsvFiles } from "../src/render/csv-files.js";
import { createExportPool } from "../src/render/export-pool.js";
import { InterestCache } from "../src/store/interest-cache.js";
import { fillCache } from "../test/support/cache.js";
import { generateAccruals, HOUR_MS } from "../test/support/fake-okx/index.js";
import { startRedis } from "../test/support/redis-server.js";
import { WIDE_LINES } from "../test/support/wide-account.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
const YEAR_MS = 365 * 24 * HOUR_MS;
const ZONE = "Asia/Shanghai";
const UID = "wide";

const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[Math.floor((samples.length - 1) / 2)]!;
const round = (value: number) => Math.round(value * 10) / 10;

/** Runs `work` while watching the event loop; the longest delay seen and the wall time, ms. */
async function watched(work: () => Promise<string[]>): Promise<{ stallMs: number; ms: number; files: string[] }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const files = await work();
  const ms = performance.now() - started;
  delay.disable();
  return { stallMs: delay.max / 1e6, ms, files };
}

async function bytesOf(files: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const file of files) bytes += (await stat(file)).size;
  return bytes;
}

const redis = await startRedis();
const client = new Redis(redis.url);
const pool = createExportPool({ threads: 1, queue: 0 });
const folder = await mkdtemp(join(tmpdir(), "bench-export-"));
try {
  const cache = new InterestCache(client, "bench:");
  const to = Date.now();
  const from = to - YEAR_MS;
  const records = generateAccruals({ hours: 365 * 24, endTs: to, lines: WIDE_LINES });
  console.log(`filling the cache: ${records.length} records, ${WIDE_LINES.length} lines, one year…`);
  await fillCache(cache, UID, records);

  const ways = {
    before: async () => writeCsvFiles(new CsvDocuments(cache.batches(UID, from, to), ZONE), await mkdtemp(join(folder, "before-"))),
    after: async () =>
      (await pool.build({ blocks: await cache.storedBlocks(UID, from, to), from, to, zone: ZONE }, await mkdtemp(join(folder, "after-")))).files,
  };
  const figures: Record<keyof typeof ways, { stallMs: number[]; ms: number[] }> = { before: { stallMs: [], ms: [] }, after: { stallMs: [], ms: [] } };
  let csvBytes = 0;
  // Alternating, so a noisy spell of the machine falls on both ways.
  for (let run = 0; run <= runs; run++) {
    for (const way of ["before", "after"] as const) {
      const { stallMs, ms, files } = await watched(ways[way]);
      csvBytes = await bytesOf(files);
      if (run > 0) {
        figures[way].stallMs.push(stallMs);
        figures[way].ms.push(ms);
      }
      console.log(
        `${way === "before" ? "main thread" : "export pool"} ${run === 0 ? "(warm-up)" : `#${run}`}: longest stall ${round(stallMs)} ms, export ${round(ms)} ms, ${files.length} file(s), ${(csvBytes / 1e6).toFixed(1)} MB`,
      );
    }
  }
  const result = {
    bench: "export",
    records: records.length,
    csvBytes,
    maxLoopStallMsBefore: round(median(figures.before.stallMs)),
    maxLoopStallMs: round(median(figures.after.stallMs)),
    exportMsBefore: round(median(figures.before.ms)),
    exportMs: round(median(figures.after.ms)),
  };
  console.log(`median of ${runs}: longest stall ${result.maxLoopStallMsBefore} ms on the main thread, ${result.maxLoopStallMs} ms with the pool`);
  console.log(JSON.stringify(result));
} finally {
  await pool.close();
  await rm(folder, { recursive: true, force: true });
  await client.quit();
  await redis.stop();
}
