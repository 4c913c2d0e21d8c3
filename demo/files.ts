import { mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { StoredMessage } from "../test/support/fake-telegram/index.js";

/*
 * The files the bot sends (the chart PNG, the CSV export), written to a folder as they arrive, so that a person
 * trying the demo can open them. The folder is theirs: the demo never empties or removes it.
 */

export type SavedFile = { path: string } | { problem: string };

export class SavedFiles {
  /** Each file already written, by Telegram's unique id: a file sent again is the one already saved. */
  private readonly saved = new Map<string, SavedFile>();

  private constructor(
    /** Absolute, so that each path printed opens from anywhere. */
    readonly dir: string,
    /** Made for this run under the temporary folder, rather than named by the person. */
    private readonly fresh: boolean,
  ) {}

  /** The folder `dir` (made if it is missing), or without it a fresh folder under the system's temporary folder. */
  static open(dir?: string): SavedFiles {
    if (dir === undefined) return new SavedFiles(mkdtempSync(join(tmpdir(), "okx-interest-demo-")), true);
    const absolute = resolve(dir);
    mkdirSync(absolute, { recursive: true });
    return new SavedFiles(absolute, false);
  }

  /** For a demo that could not start: the fresh folder goes, as long as nothing was saved in it. */
  removeIfUnused(): void {
    if (!this.fresh || this.count > 0) return;
    try {
      rmdirSync(this.dir);
    } catch {
      // Not empty after all, or gone: it stays as it is.
    }
  }

  /** How many files were written. */
  get count(): number {
    return [...this.saved.values()].filter((file) => "path" in file).length;
  }

  /**
   * Writes the file of a bot message, the first time it is seen, under the name it was sent with: `2-name`,
   * `3-name`… when that name is taken, so nothing is overwritten. Undefined for a message without uploaded bytes
   * (text, or a file sent by URL).
   */
  save(message: StoredMessage): SavedFile | undefined {
    const file = message.file;
    if (file?.content === undefined) return undefined;
    const known = this.saved.get(file.fileUniqueId);
    if (known !== undefined) return known;
    const name = fileName(file.filename, file.kind);
    let result: SavedFile | undefined;
    for (let copy = 1; result === undefined; copy++) {
      const path = join(this.dir, copy === 1 ? name : `${copy}-${name}`);
      try {
        writeFileSync(path, file.content, { flag: "wx" });
        result = { path };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") result = { problem: `not saved: ${code ?? String(error)}` };
      }
    }
    this.saved.set(file.fileUniqueId, result);
    return result;
  }
}

/** The name as sent, as a name and not a path: nothing a bot sends lands outside the folder. */
export function fileName(sent: string | undefined, kind: string): string {
  // eslint-disable-next-line no-control-regex
  const name = (sent ?? "").replace(/[/\\\u0000-\u001f]/g, "_").trim();
  return name === "" || name === "." || name === ".." ? kind : name;
}
