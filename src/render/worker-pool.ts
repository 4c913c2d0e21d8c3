import { Piscina } from "piscina";

/*
 * What the chart and export pools share: piscina worker threads, bounded in threads and queue. At most
 * `threads` tasks run at once and `queue` wait; one more is refused at once (`PoolFull`), so the person can
 * be told to ask again instead of waiting behind a backlog.
 */

/** Every thread is busy and the queue is full: the task was not taken. */
export class PoolFull extends Error {
  constructor(
    readonly capacity: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PoolOptions {
  /** Worker threads, each running one task at a time. */
  threads: number;
  /** Tasks that may wait for a thread; 0: none wait. */
  queue: number;
}

export interface BoundedPool {
  /** Runs `task` in a thread; rejects with `full(capacity)` when the pool is full. */
  run(task: unknown, transferList?: ArrayBuffer[]): Promise<unknown>;
  /** Tasks running or waiting. */
  readonly inFlight: number;
  /** Waits for the tasks taken, then stops the threads. */
  close(): Promise<void>;
}

/**
 * A worker module of this folder: compiled JavaScript in production (`dist/render/<name>.js`), the
 * TypeScript source under tsx or vitest. A thread started from source registers tsx's hooks before it loads
 * the module: on Node 20 a worker does not take the loader hooks of `--import tsx` given in its `execArgv`,
 * but it does take those registered by a module it imports first.
 */
function workerModule(name: string): { filename: string; execArgv?: string[] } {
  const source = import.meta.url.endsWith(".ts");
  const filename = new URL(`./${name}.${source ? "ts" : "js"}`, import.meta.url).href;
  if (!source) return { filename };
  const registerTsx = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register();`;
  return { filename, execArgv: ["--import", `data:text/javascript,${encodeURIComponent(registerTsx)}`] };
}

/** A pool of threads running the default export of `./<worker>`. */
export function boundedPool(worker: string, options: PoolOptions, full: (capacity: number) => PoolFull): BoundedPool {
  const capacity = options.threads + options.queue;
  const pool = new Piscina({
    ...workerModule(worker),
    // Threads start when first asked for, and then stay: a process that draws nothing (most starts, every
    // replica's restart) does not load the renderer in each of them at once.
    minThreads: 0,
    maxThreads: options.threads,
    // Never reached: `run` refuses a task beyond `capacity` before it gets here.
    maxQueue: capacity,
    idleTimeout: Infinity,
  });
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    async run(task, transferList) {
      if (inFlight >= capacity) throw full(capacity);
      inFlight++;
      try {
        return (await pool.run(task, transferList === undefined ? undefined : { transferList })) as unknown;
      } finally {
        inFlight--;
      }
    },
    close: () => pool.close(),
  };
}
