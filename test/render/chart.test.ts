import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/bot/i18n.js";
import { chartCaption, chartPicture, dayLabel, MAX_PANELS } from "../../src/bot/views/chart.js";
import type { Translate } from "../../src/domain/translate.js";
import { dailyInterest } from "../../src/domain/daily.js";
import { chartSize, renderChart } from "../../src/render/chart.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

/** Distinct colours, and the share of pixels that differ from the top-left (background) pixel. */
function inspect(png: PNG): { colours: number; drawnShare: number } {
  const colours = new Set<number>();
  const background = png.data.readUInt32BE(0);
  let drawn = 0;
  for (let offset = 0; offset < png.data.length; offset += 4) {
    const pixel = png.data.readUInt32BE(offset);
    colours.add(pixel);
    if (pixel !== background) drawn++;
  }
  return { colours: colours.size, drawnShare: drawn / (png.width * png.height) };
}

/** The bot's own texts in a locale (the preference store is not asked: the locale is given). */
function translations(locale: "en" | "zh"): Translate {
  const i18n = createI18n(new PreferenceStore(testRedis().redis, "unused:"));
  return (key, variables) => i18n.t(locale, key, variables);
}

describe("chart", () => {
  const to = Date.UTC(2026, 11, 1, 12);

  it("draws a year of three currencies as a PNG of the announced size, far from blank", async () => {
    const records = generateAccruals({ hours: 24 * 365, endTs: to }).reverse();
    const daily = dailyInterest(records, to - 365 * 24 * HOUR_MS, to, "Asia/Shanghai");
    const picture = chartPicture(translations("en"), "en", { period: "1y" }, daily);
    expect(picture.panels.map((panel) => panel.heading)).toEqual(daily.currencies.map((currency) => currency.ccy));
    const png = PNG.sync.read(await renderChart(picture));
    expect({ width: png.width, height: png.height }).toEqual(chartSize(3));
    const { colours, drawnShare } = inspect(png);
    // Antialiased text, bars in several colours and a line: hundreds of colours, a good part of the picture.
    expect(colours).toBeGreaterThan(200);
    expect(drawnShare).toBeGreaterThan(0.1);
  }, 20_000);

  it("draws Chinese text with glyphs (not empty boxes): the picture changes with the words", async () => {
    const records = generateAccruals({
      hours: 24 * 30,
      endTs: to,
      lines: [{ ccy: "USDT", mgnMode: "cross", instId: "", liability: 1000, hourlyRate: 0.000004 }],
    }).reverse();
    const daily = dailyInterest(records, to - 30 * 24 * HOUR_MS, to, "UTC");
    const picture = chartPicture(translations("zh"), "zh", { period: "30d", ccy: "USDT" }, daily);
    expect(picture.title).toBe("每日利息 · USDT · 最近 30 天");
    expect(picture.panels[0]!.days[0]!.label).toMatch(/^\d+月\d+日$/);
    const withTitle = async (title: string) => PNG.sync.read(await renderChart({ ...picture, title }));
    const first = await withTitle("每日利息");
    const second = await withTitle("利率走势");
    expect({ width: first.width, height: first.height }).toEqual(chartSize(1));
    // Missing glyphs would all be drawn as the same box (or nothing): different words must give different pixels.
    expect(first.data.equals(second.data)).toBe(false);
  }, 20_000);

  it("plots each day's rate by the year (hourly × 8,760), in percent", () => {
    const end = Date.UTC(2026, 10, 20);
    const daily = dailyInterest(generateAccruals({ hours: 24 * 5, endTs: end }), end - 5 * 24 * HOUR_MS, end, "UTC");
    const picture = chartPicture(translations("en"), "en", { period: "7d" }, daily);
    const [panel] = picture.panels;
    const day = daily.currencies.find((currency) => currency.ccy === panel!.heading)!.days.find((entry) => entry.rate !== undefined)!;
    expect(panel!.rateTitle).toBe("Yearly rate, %");
    expect(panel!.days.find((entry) => entry.date === day.date)!.ratePercent).toBeCloseTo(day.rate!.times(8760 * 100).toNumber(), 9);
  });

  it("draws at most four currencies, the costliest, and names the rest in the caption", () => {
    const lines = ["USDT", "BTC", "ETH", "SOL", "DOGE", "XRP"].map((ccy, index) => ({
      ccy,
      mgnMode: "cross" as const,
      instId: "",
      liability: 1000 / (index + 1),
      hourlyRate: 0.000004,
    }));
    const records = generateAccruals({ hours: 48, endTs: to, lines });
    const daily = dailyInterest(records, to - 7 * 24 * HOUR_MS, to, "UTC");
    const t = translations("en");
    const picture = chartPicture(t, "en", { period: "7d" }, daily);
    expect(picture.panels).toHaveLength(MAX_PANELS);
    const drawn = picture.panels.map((panel) => panel.heading);
    const rest = daily.currencies.map((currency) => currency.ccy).filter((ccy) => !drawn.includes(ccy));
    expect(rest).toHaveLength(2);
    expect(chartCaption(t, "en", { period: "7d" }, daily, ["a note"])).toBe(
      `📈 <b>All currencies</b> · last 7 days: interest per day (bars, by margin mode) and the hourly rate (line).\na note\nNot drawn: ${rest.join(", ")}. One at a time: /chart ${rest[0]}`,
    );
    expect([dayLabel("2026-03-09", "en"), dayLabel("2026-03-09", "zh")]).toEqual(["9 Mar", "3月9日"]);
    expect(picture.subtitle).toBe("24 Nov 2026 – 1 Dec 2026 (UTC)");
    expect(chartPicture(t, "zh", { period: "7d" }, daily).subtitle).toMatch(/^2026年11月24日 – 2026年12月1日/);
  });
});
