import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/bot/i18n.js";
import { chartPicture } from "../../src/bot/views/chart.js";
import { dailyInterest } from "../../src/domain/daily.js";
import { chartSize, renderChart, type ChartPicture } from "../../src/render/chart.js";
import { ChartQueueFull, createChartPool, type ChartPool } from "../../src/render/chart-pool.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

const to = Date.UTC(2026, 11, 1, 12);

/** A chart of `days` days of three currencies, in English. */
function picture(days: number): ChartPicture {
  const i18n = createI18n(new PreferenceStore(testRedis().redis, "unused:"));
  const records = generateAccruals({ hours: 24 * days, endTs: to }).reverse();
  const daily = dailyInterest(records, to - days * 24 * HOUR_MS, to, "Asia/Shanghai");
  return chartPicture((key, variables) => i18n.t("en", key, variables), "en", { period: days >= 365 ? "1y" : "30d" }, daily);
}

const pools: ChartPool[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.close())));
function pool(threads: number, queue: number): ChartPool {
  const created = createChartPool({ threads, queue });
  pools.push(created);
  return created;
}

describe("chart pool", () => {
  it("draws in a worker thread the very PNG the main thread draws", async () => {
    const year = picture(365);
    const [inWorker, here] = [await pool(1, 4).render(year), await renderChart(year)];
    expect(Buffer.isBuffer(inWorker)).toBe(true);
    const [a, b] = [PNG.sync.read(inWorker), PNG.sync.read(here)];
    expect({ width: a.width, height: a.height }).toEqual(chartSize(3));
    expect({ width: a.width, height: a.height }).toEqual({ width: b.width, height: b.height });
    expect(a.data.equals(b.data)).toBe(true);
  }, 60_000);

  it("refuses a picture beyond its threads and queue with ChartQueueFull, and takes one again once there is room", async () => {
    const small = picture(30);
    const full = pool(1, 1);
    const taken = [full.render(small), full.render(small)];
    expect(full.inFlight).toBe(2);
    const refused = await full.render(small).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChartQueueFull);
    expect((refused as ChartQueueFull).capacity).toBe(2);
    for (const png of await Promise.all(taken)) expect(PNG.sync.read(png).height).toBe(chartSize(small.panels.length).height);
    expect(full.inFlight).toBe(0);
    expect(PNG.sync.read(await full.render(small)).width).toBe(chartSize(1).width);
  }, 60_000);

  it("passes a drawing's failure on to the one who asked", async () => {
    const failing = pool(1, 0);
    const broken = { ...picture(30), panels: [{ ...picture(30).panels[0]!, days: null }] } as unknown as ChartPicture;
    await expect(failing.render(broken)).rejects.toThrow();
    expect(failing.inFlight).toBe(0);
    expect(PNG.sync.read(await failing.render(picture(30))).width).toBe(chartSize(1).width);
  }, 60_000);
});
