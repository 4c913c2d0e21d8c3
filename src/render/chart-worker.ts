import { move } from "piscina";
import { loadFonts, renderChart, type ChartPicture } from "./chart.js";

/*
 * A thread of the chart pool (`chart-pool.ts`): it draws one picture at a time and hands the PNG's bytes
 * back without copying them. Fonts are registered as the thread starts, before its first picture.
 */
loadFonts();

export default async function draw(picture: ChartPicture): Promise<unknown> {
  const png = await renderChart(picture);
  // Moved, not copied: the bytes must be an ArrayBuffer of their own (a small Buffer can share Node's pool).
  const own = png.byteOffset === 0 && png.byteLength === png.buffer.byteLength ? png : new Uint8Array(png);
  return move(own);
}
