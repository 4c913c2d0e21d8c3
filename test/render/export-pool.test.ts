import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { CsvDocuments } from "../../src/domain/csv.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { matchesView, type InterestView } from "../../src/domain/view.js";
import { writeCsvFiles } from "../../src/render/csv-files.js";
import { createExportPool, ExportQueueFull, type ExportPool } from "../../src/render/export-pool.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fillCache } from "../support/cache.js";
import { DEFAULT_LINES, generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

const pools: ExportPool[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.close())));
function pool(threads: number, queue: number): ExportPool {
  const created = createExportPool({ threads, queue });
  pools.push(created);
  return created;
}

async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "export-pool-test-"));
  onTestFinished(() => rm(path, { recursive: true, force: true }));
  return path;
}

const contents = (files: readonly string[]) => Promise.all(files.map((file) => readFile(file)));

/** The export as the main thread writes it: the cache's batches, filtered by the view, formatted in this thread. */
async function mainThreadFiles(cache: InterestCache, uid: string, view: InterestView, from: number, to: number, zone: string, maxBytes?: number) {
  async function* batches(): AsyncGenerator<InterestRecord[]> {
    for await (const batch of cache.batches(uid, from, to)) yield batch.filter((record) => matchesView(view, record));
  }
  return contents(await writeCsvFiles(new CsvDocuments(batches(), zone, maxBytes), await folder()));
}

/** The export as the pool writes it, from the blocks the service hands over. */
async function poolFiles(
  exports: ExportPool,
  cache: InterestCache,
  uid: string,
  view: InterestView,
  from: number,
  to: number,
  zone: string,
  maxBytes?: number,
) {
  const blocks = (await cache.storedBlocks(uid, from, to)).filter((block) => matchesView(view, block.line));
  const { files } = await exports.build({ blocks, from, to, zone, ...(maxBytes === undefined ? {} : { maxBytes }) }, await folder());
  return contents(files);
}

const to = Date.UTC(2026, 11, 1, 12, 30);
const from = to - 365 * 24 * HOUR_MS;

/** Decimals as OKX might write them: kept as sent where a fixed-point integer would not read back the same. */
const ODD = ["0.0003960833333334", "-0.00000000", "1e-7", "007.50", ".5", "-0", "123456789012345678901.123456789012345678901", "", "0.1,2", 'x"y'];

describe("export pool", () => {
  it("writes in a worker thread the very bytes the main thread writes, for a year and for odd decimal strings", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const records = generateAccruals({ hours: 24 * 365, endTs: to, lines: DEFAULT_LINES.slice(0, 3) });
    const odd = ODD.map((value, index): InterestRecord => ({
      type: "1",
      ccy: "USDT",
      instId: "",
      mgnMode: "cross",
      interest: value,
      interestRate: ODD[(index + 3) % ODD.length]!,
      liab: ODD[(index + 5) % ODD.length]!,
      totalLiab: value,
      interestFreeLiab: ODD[(index + 7) % ODD.length]!,
      ts: String(from + 1 + index * 7 * HOUR_MS),
    }));
    await fillCache(cache, "u1", [...records, ...odd]);
    const exports = pool(1, 2);
    for (const [view, zone] of [
      [{ period: "1y" }, "Asia/Shanghai"],
      [{ period: "1y", ccy: "USDT" }, "America/New_York"],
      [{ period: "1y", ccy: "ETH", mgnMode: "isolated" }, "Asia/Kolkata"],
    ] as [InterestView, string][]) {
      const [here, there] = [await mainThreadFiles(cache, "u1", view, from, to, zone), await poolFiles(exports, cache, "u1", view, from, to, zone)];
      expect(there.length).toBe(1);
      expect(there.map((bytes) => bytes.length)).toEqual(here.map((bytes) => bytes.length));
      expect(Buffer.concat(there).equals(Buffer.concat(here))).toBe(true);
    }
    const csv = (await poolFiles(exports, cache, "u1", { period: "1y", ccy: "USDT", mgnMode: "cross" }, from, to, "UTC"))[0]!.toString("utf8");
    expect(csv).toContain(',"0.1,2",');
    expect(csv).toContain(',"x""y",');
    expect(csv).toContain(",123456789012345678901.123456789012345678901,");
    expect(csv).toContain(",007.50,");
  }, 60_000);

  it("splits documents as the main thread does, into part files in order", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    await fillCache(cache, "u2", generateAccruals({ hours: 24 * 40, endTs: to }));
    const [here, there] = [
      await mainThreadFiles(cache, "u2", { period: "1y" }, from, to, "UTC", 50_000),
      await poolFiles(pool(1, 0), cache, "u2", { period: "1y" }, from, to, "UTC", 50_000),
    ];
    expect(there.length).toBeGreaterThan(3);
    expect(there).toEqual(here);
  }, 60_000);

  it("writes no file for a view with no records", async () => {
    const written = await folder();
    expect(await pool(1, 0).build({ blocks: [], from, to, zone: "UTC" }, written)).toEqual({ files: [] });
    expect(await readdir(written)).toEqual([]);
  });

  it("refuses an export beyond its threads and queue with ExportQueueFull, and passes a failure on", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    await fillCache(cache, "u3", generateAccruals({ hours: 24 * 60, endTs: to }));
    const blocks = await cache.storedBlocks("u3", from, to);
    const full = pool(1, 1);
    const taken = [full.build({ blocks, from, to, zone: "UTC" }, await folder()), full.build({ blocks, from, to, zone: "UTC" }, await folder())];
    expect(full.inFlight).toBe(2);
    const refused = await full.build({ blocks, from, to, zone: "UTC" }, await folder()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ExportQueueFull);
    expect((refused as ExportQueueFull).capacity).toBe(2);
    for (const { files } of await Promise.all(taken)) expect(files).toHaveLength(1);
    expect(full.inFlight).toBe(0);

    const broken = [{ ...blocks[0]!, bytes: Uint8Array.of(9, 9, 9) }];
    await expect(full.build({ blocks: broken, from, to, zone: "UTC" }, await folder())).rejects.toThrow(/unknown record block format/);
    expect(full.inFlight).toBe(0);
    expect((await full.build({ blocks, from, to, zone: "UTC" }, await folder())).files).toHaveLength(1);
  }, 60_000);
});
