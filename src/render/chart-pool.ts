import type { ChartPicture } from "./chart.js";
import { boundedPool, PoolFull, type PoolOptions } from "./worker-pool.js";

/*
 * Charts are drawn in a pool of worker threads (`worker-pool.ts`): a one-year chart is a quarter of a second
 * of CPU, which on the main thread would hold up every other person's update.
 */

/** Every thread is drawing and the queue is full: the picture was not taken. */
export class ChartQueueFull extends PoolFull {
  override readonly name = "ChartQueueFull";
  constructor(capacity: number) {
    super(capacity, `the chart pool is full: ${capacity} pictures are being drawn or waiting`);
  }
}

export type ChartPoolOptions = PoolOptions;

export interface ChartPool {
  /** The picture as a PNG (`renderChart`, in a worker thread); rejects with `ChartQueueFull` when the pool is full. */
  render(picture: ChartPicture): Promise<Buffer>;
  /** Pictures being drawn or waiting. */
  readonly inFlight: number;
  /** Waits for the pictures taken, then stops the threads. */
  close(): Promise<void>;
}

export function createChartPool(options: ChartPoolOptions): ChartPool {
  const pool = boundedPool("chart-worker", options, (capacity) => new ChartQueueFull(capacity));
  return {
    get inFlight() {
      return pool.inFlight;
    },
    async render(picture) {
      const png = (await pool.run(picture)) as Uint8Array;
      return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    },
    close: () => pool.close(),
  };
}
