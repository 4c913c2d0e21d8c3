import { CsvDocuments } from "../domain/csv.js";
import type { InterestRecord } from "../domain/interest-record.js";
import { monthBatches } from "../domain/record-block.js";
import { writeCsvFiles } from "./csv-files.js";
import { unpackBlocks, type ExportTask } from "./export-pool.js";

/*
 * A thread of the export pool (`export-pool.ts`): it decodes the blocks a month at a time, writes the CSV
 * documents to files in the folder it is given and returns their paths; the main thread uploads them.
 */
export default async function build(task: ExportTask): Promise<string[]> {
  const months = monthBatches(unpackBlocks(task), task.from, task.to);
  const batches: AsyncIterable<InterestRecord[]> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve(months.next()) }) };
  return writeCsvFiles(new CsvDocuments(batches, task.zone, task.maxBytes), task.folder);
}
