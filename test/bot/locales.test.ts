import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../src/bot/i18n.js";

const keysOf = (locale: string) =>
  readFileSync(new URL(`../../locales/${locale}.ftl`, import.meta.url), "utf8")
    .split("\n")
    .flatMap((line) => /^([a-z][a-z0-9-]*) =/.exec(line)?.[1] ?? []);

describe("the locales", () => {
  it("say every message in every language, each once", () => {
    const english = keysOf("en");
    expect(new Set(english).size).toBe(english.length);
    for (const locale of LOCALES) expect(keysOf(locale).sort(), locale).toEqual([...english].sort());
  });
});
