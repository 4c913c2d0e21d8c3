import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** What each part of `src/` may import of the project (docs/architecture.md): arrows point down only. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: [],
  "log.ts": [],
  okx: ["domain", "log.ts"],
  store: ["domain", "log.ts"],
  render: ["domain", "log.ts"],
  services: ["domain", "okx", "store", "log.ts"],
  digest: ["domain", "okx", "store", "services", "log.ts"],
  alerts: ["domain", "okx", "store", "services", "log.ts"],
  bot: ["domain", "okx", "store", "services", "render", "digest", "alerts", "server", "log.ts"],
  server: ["domain", "log.ts"],
};

const files = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(folder, entry.name)) : entry.name.endsWith(".ts") ? [join(folder, entry.name)] : [],
  );

/** `bot`, `domain`, … for a file under a folder of `src/`; the file's own name for one at the top. */
const partOf = (file: string) => relative(SRC, file).split("/")[0]!;

/** Every relative module a file imports (or re-exports), as a path under `src/`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)].map((match) =>
    resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")),
  );
}

describe("the layers", () => {
  it("point one way: no part of src/ imports one beside or above it", () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const part = partOf(file);
      const allowed = MAY_IMPORT[part];
      if (allowed === undefined) continue; // main.ts, config.ts, rotate-keys.ts: the composition roots
      for (const target of importsOf(file)) {
        const targetPart = partOf(target);
        if (targetPart !== part && !allowed.includes(targetPart)) wrong.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("reads every import of a file, so the rule cannot pass for want of seeing one", () => {
    const imports = importsOf(join(SRC, "bot/bot.ts")).map((target) => relative(SRC, target));
    expect(imports).toContain("bot/context.ts");
    expect(imports).toContain("log.ts");
    expect(imports.length).toBeGreaterThan(15);
  });
});
