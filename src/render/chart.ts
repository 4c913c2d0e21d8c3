import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { encodePng } from "./png.js";

/*
 * Charts as PNG, on the server: Vega-Lite describes each panel, Vega lays it out and draws it on a Skia
 * canvas (@napi-rs/canvas, a prebuilt binary from the npm registry). No browser, no chart service. Text is
 * set in Noto Sans Hans, shipped as an npm package: it has Latin and Chinese glyphs, so titles can be in
 * either language. The picture is a light card with dark text, which reads the same in Telegram's light
 * and dark themes.
 */

/** One currency: interest per day stacked by borrowing line, its yearly rate as a line on a second axis. */
export interface ChartPanel {
  heading: string;
  amountTitle: string;
  /** Decimals the currency is shown with, for the amount axis. */
  amountDecimals: number;
  rateTitle: string;
  /** Names of the stacked series, the costliest first. */
  lines: string[];
  days: ChartDay[];
}

export interface ChartDay {
  /** `YYYY-MM-DD`, the day's identity on the x axis. */
  date: string;
  /** What the axis shows for the day, in the user's language. */
  label: string;
  /** Interest per line (same order as `lines`), in the currency; a float, for drawing only. */
  byLine: number[];
  /** Yearly rate (hourly × 8,760) in percent; null on a day without liability. */
  ratePercent: number | null;
}

export interface ChartPicture {
  title: string;
  subtitle: string;
  panels: ChartPanel[];
}

export const CHART_WIDTH = 1280;
const PANEL_HEIGHT = 440;
const HEADER_HEIGHT = 110;
const FONT = "Chart Sans";
const BACKGROUND = "#f5f6f8";
const TEXT = "#1f2328";
const MUTED = "#4b5563";
const GRID = "#d6d9de";
const RATE_COLOR = "#111827";
/** Okabe–Ito: told apart with every common colour-vision deficiency, all dark enough on the light card. */
const SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];
/** Date labels along the x axis, at most. */
const X_LABELS = 6;

/** Width and height of the picture of `panels` panels. */
export function chartSize(panels: number): { width: number; height: number } {
  return { width: CHART_WIDTH, height: HEADER_HEIGHT + panels * PANEL_HEIGHT };
}

let fontsLoaded = false;
/** Registers the chart's typeface with Skia, once per thread (a worker thread has fonts of its own). */
export function loadFonts(): void {
  if (fontsLoaded) return;
  const fonts = join(dirname(createRequire(import.meta.url).resolve("@embedpdf/fonts-sc")), "..", "fonts");
  GlobalFonts.registerFromPath(join(fonts, "NotoSansHans-Regular.otf"), FONT);
  GlobalFonts.registerFromPath(join(fonts, "NotoSansHans-Bold.otf"), FONT);
  fontsLoaded = true;
}

/** Evenly spread days to label, the first and the last included. */
function labelledDates(days: readonly ChartDay[]): string[] {
  if (days.length <= X_LABELS) return days.map((day) => day.date);
  const step = (days.length - 1) / (X_LABELS - 1);
  return Array.from({ length: X_LABELS }, (_, index) => days[Math.round(index * step)]!.date);
}

function panelSpec(panel: ChartPanel, height: number, header: { title: string; subtitle: string } | undefined): TopLevelSpec {
  const labels = Object.fromEntries(panel.days.map((day) => [day.date, day.label]));
  const amounts = panel.days.flatMap((day) =>
    day.byLine.map((amount, index) => ({ date: day.date, line: panel.lines[index], order: index, amount })),
  );
  const rates = panel.days.filter((day) => day.ratePercent !== null).map((day) => ({ date: day.date, rate: day.ratePercent }));
  const x = {
    field: "date",
    type: "ordinal" as const,
    scale: { domain: panel.days.map((day) => day.date), paddingInner: 0.15 },
    axis: { values: labelledDates(panel.days), labelExpr: "dayLabels[datum.value]", labelAngle: 0, title: null, ticks: true, labelOverlap: false },
  };
  return {
    width: CHART_WIDTH,
    height,
    autosize: { type: "fit", contains: "padding" },
    padding: { left: 24, right: 24, top: 20, bottom: 16 },
    background: BACKGROUND,
    params: [{ name: "dayLabels", value: labels }],
    title: {
      text: header === undefined ? panel.heading : [header.title],
      subtitle: header === undefined ? undefined : [header.subtitle, panel.heading],
      anchor: "start",
      fontSize: header === undefined ? 30 : 38,
      subtitleFontSize: 26,
      subtitlePadding: 10,
      color: TEXT,
      subtitleColor: MUTED,
      offset: 14,
    },
    config: {
      font: FONT,
      view: { stroke: null },
      axis: {
        labelFontSize: 24,
        titleFontSize: 22,
        labelColor: MUTED,
        titleColor: MUTED,
        gridColor: GRID,
        domainColor: GRID,
        tickColor: GRID,
        titleFontWeight: "normal",
      },
      legend: {
        labelFontSize: 24,
        labelColor: TEXT,
        labelLimit: 420,
        symbolSize: 260,
        orient: "top",
        direction: "horizontal",
        title: null,
        columnPadding: 28,
      },
    },
    layer: [
      {
        data: { values: amounts },
        mark: { type: "bar" },
        encoding: {
          x,
          // One value per day and line already: stacked as given, no aggregation.
          y: {
            field: "amount",
            type: "quantitative",
            stack: "zero",
            title: panel.amountTitle,
            axis: { format: `,.${panel.amountDecimals}~f`, tickCount: 6 },
          },
          color: { field: "line", type: "nominal", scale: { domain: panel.lines, range: SERIES_COLORS } },
          order: { field: "order", type: "quantitative" },
        },
      },
      {
        data: { values: rates },
        mark: { type: "line", color: RATE_COLOR, strokeWidth: 3.5, point: panel.days.length <= 31 ? { color: RATE_COLOR, size: 50 } : false },
        encoding: {
          x,
          y: {
            field: "rate",
            type: "quantitative",
            title: panel.rateTitle,
            scale: { zero: false },
            axis: { orient: "right", format: ".3~r", tickCount: 6, grid: false },
          },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
}

/** The picture as a PNG of `chartSize(panels)` pixels: the header above the first panel, the panels one below another. */
export async function renderChart(picture: ChartPicture): Promise<Buffer> {
  loadFonts();
  const { width, height } = chartSize(picture.panels.length);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, width, height);
  let top = 0;
  for (const [index, panel] of picture.panels.entries()) {
    const panelHeight = index === 0 ? PANEL_HEIGHT + HEADER_HEIGHT : PANEL_HEIGHT;
    const spec = panelSpec(panel, panelHeight, index === 0 ? picture : undefined);
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
    try {
      context.save();
      context.translate(0, top);
      // Vega draws through the 2D context API, which Skia's canvas implements.
      await view.toCanvas(1, { externalContext: context });
      context.restore();
    } finally {
      view.finalize();
    }
    top += panelHeight;
  }
  // Every pixel is opaque (the card fills the canvas), so Skia's premultiplied RGBA is plain RGBA.
  return encodePng(canvas.data(), width, height);
}
