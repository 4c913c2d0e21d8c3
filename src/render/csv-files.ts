import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CsvDocuments } from "../domain/csv.js";

/** Writes each document to `part<n>.csv` in `folder`, one after another; returns their paths in order. */
export async function writeCsvFiles(documents: CsvDocuments, folder: string): Promise<string[]> {
  const files: string[] = [];
  for (let document = await documents.next(); document !== undefined; document = await documents.next()) {
    const path = join(folder, `part${files.length + 1}.csv`);
    await pipeline(Readable.from(document), createWriteStream(path));
    files.push(path);
  }
  return files;
}
