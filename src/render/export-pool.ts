import type { StoredBlock } from "../domain/record-block.js";
import { boundedPool, PoolFull, type PoolOptions } from "./worker-pool.js";

/*
 * Large CSV exports are built in a pool of worker threads (`worker-pool.ts`): decoding, ordering and
 * formatting a year of a wide account is seconds of CPU, which on the main thread would hold up every other
 * person's update. The main thread reads the blocks' bytes (cheap) and hands them over without copying.
 */

/** Every thread is exporting and the queue is full: the export was not taken. */
export class ExportQueueFull extends PoolFull {
  override readonly name = "ExportQueueFull";
  constructor(capacity: number) {
    super(capacity, `the export pool is full: ${capacity} exports are being built or waiting`);
  }
}

export type ExportPoolOptions = PoolOptions;

export interface ExportJob {
  /** The view's blocks, in month and line order (`InterestCache.storedBlocks`). */
  blocks: readonly StoredBlock[];
  from: number;
  to: number;
  /** Times are written in this zone. */
  zone: string;
  /** Documents larger than this are split (`CsvDocuments`). */
  maxBytes?: number;
}

/** What a thread is given: every block's bytes in one buffer, moved rather than copied. */
export interface ExportTask extends Omit<ExportJob, "blocks"> {
  bytes: Uint8Array;
  blocks: { line: StoredBlock["line"]; month: number; length: number }[];
  folder: string;
}

export interface ExportPool {
  /** Writes the job's CSV documents into `folder` in a worker thread; rejects with `ExportQueueFull` when the pool is full. */
  build(job: ExportJob, folder: string): Promise<{ files: string[] }>;
  /** Exports being built or waiting. */
  readonly inFlight: number;
  /** Waits for the exports taken, then stops the threads. */
  close(): Promise<void>;
}

/** The blocks back from a task's one buffer. */
export function unpackBlocks(task: ExportTask): StoredBlock[] {
  let offset = 0;
  return task.blocks.map(({ line, month, length }) => {
    const bytes = task.bytes.subarray(offset, offset + length);
    offset += length;
    return { line, month, bytes };
  });
}

export function createExportPool(options: ExportPoolOptions): ExportPool {
  const pool = boundedPool("export-worker", options, (capacity) => new ExportQueueFull(capacity));
  return {
    get inFlight() {
      return pool.inFlight;
    },
    async build({ blocks, ...job }, folder) {
      // One buffer of its own: a reply's bytes are slices of larger buffers, which a transfer would take whole.
      const bytes = Buffer.concat(blocks.map((block) => block.bytes));
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
      const task: ExportTask = {
        ...job,
        folder,
        bytes: own,
        blocks: blocks.map(({ line, month, bytes: stored }) => ({ line, month, length: stored.length })),
      };
      const files = (await pool.run(task, [own.buffer])) as string[];
      return { files };
    },
    close: () => pool.close(),
  };
}
