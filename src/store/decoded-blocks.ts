import { RecordBlock, type BorrowingLine } from "../domain/record-block.js";

/**
 * Blocks decoded recently, by their Redis field, reused while their bytes are unchanged: decoding a year
 * of four lines (~35,000 records) costs more than reading its bytes. Bounded by the records held, the
 * least recently read going first; a decoded record takes about 65 bytes.
 */
export class DecodedBlocks {
  private readonly held = new Map<string, { bytes: Buffer; block: RecordBlock }>();
  private records = 0;

  constructor(private readonly maxRecords = 300_000) {}

  decode(key: string, line: BorrowingLine, base: number, bytes: Buffer): RecordBlock {
    const known = this.held.get(key);
    if (known !== undefined) {
      this.held.delete(key);
      this.records -= known.block.length;
      if (known.bytes.equals(bytes)) return this.keep(key, known);
    }
    // A copy: the reply's buffer may be a slice of a larger one that the entry would keep alive.
    const own = Buffer.from(bytes);
    return this.keep(key, { bytes: own, block: new RecordBlock(line, base, own) });
  }

  private keep(key: string, entry: { bytes: Buffer; block: RecordBlock }): RecordBlock {
    this.held.set(key, entry);
    this.records += entry.block.length;
    for (const [oldest, { block }] of this.held) {
      if (this.records <= this.maxRecords) break;
      this.held.delete(oldest);
      this.records -= block.length;
    }
    return entry.block;
  }
}
