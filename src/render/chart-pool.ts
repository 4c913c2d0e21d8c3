import { Piscina } from "piscina";
import type { ChartPicture } from "./chart.js";

/*
 * Charts are drawn in a pool of worker threads: a one-year chart is a quarter of a second of CPU, which on
 * the main thread would hold up every other person's update. The pool is bounded: at most `threads`
 * pictures are drawn at once and `queue` wait; one more is refused at once with `ChartQueueFull`, so the
 * person can be told to ask again instead of waiting behind a backlog.
 */

/** Every thread is drawing and the queue is full: the picture was not taken. */
export class ChartQueueFull extends Error {
  override readonly name = "ChartQueueFull";
  constructor(readonly capacity: number) {
    super(`the chart pool is full: ${capacity} pictures are being drawn or waiting`);
  }
}

export interface ChartPoolOptions {
  /** Worker threads, each drawing one picture at a time. */
  threads: number;
  /** Pictures that may wait for a thread; 0: none wait. */
  queue: number;
}

export interface ChartPool {
  /** The picture as a PNG (`renderChart`, in a worker thread); rejects with `ChartQueueFull` when the pool is full. */
  render(picture: ChartPicture): Promise<Buffer>;
  /** Pictures being drawn or waiting. */
  readonly inFlight: number;
  /** Waits for the pictures taken, then stops the threads. */
  close(): Promise<void>;
}

/**
 * The worker module next to this one: compiled JavaScript in production (`dist/render/chart-worker.js`), the
 * TypeScript source under tsx or vitest. A thread started from source registers tsx's hooks before it loads
 * the module: on Node 20 a worker does not take the loader hooks of `--import tsx` given in its `execArgv`,
 * but it does take those registered by a module it imports first.
 */
function workerModule(): { filename: string; execArgv?: string[] } {
  const source = import.meta.url.endsWith(".ts");
  const filename = new URL(`./chart-worker.${source ? "ts" : "js"}`, import.meta.url).href;
  if (!source) return { filename };
  const registerTsx = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register();`;
  return { filename, execArgv: ["--import", `data:text/javascript,${encodeURIComponent(registerTsx)}`] };
}

export function createChartPool(options: ChartPoolOptions): ChartPool {
  const capacity = options.threads + options.queue;
  const pool = new Piscina({
    ...workerModule(),
    minThreads: options.threads,
    maxThreads: options.threads,
    // Never reached: `render` refuses a picture beyond `capacity` before it gets here.
    maxQueue: capacity,
    idleTimeout: Infinity,
  });
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    async render(picture) {
      if (inFlight >= capacity) throw new ChartQueueFull(capacity);
      inFlight++;
      try {
        const png = (await pool.run(picture)) as Uint8Array;
        return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
      } finally {
        inFlight--;
      }
    },
    close: () => pool.close(),
  };
}
