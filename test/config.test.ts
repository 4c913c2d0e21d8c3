import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const KEY = Buffer.alloc(32, 7).toString("base64");
const valid = { BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", ENCRYPTION_KEYS: `k1:${KEY}` };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration", () => {
  it("fills production defaults", () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      telegramApiRoot: "https://api.telegram.org",
      okxUrls: { global: "https://www.okx.com", eea: "https://eea.okx.com", us: "https://us.okx.com" },
      redisUrl: "redis://127.0.0.1:6379",
      redisPrefix: "okxi:",
      logLevel: "info",
    });
    expect(config.masterKeys).toEqual([{ id: "k1", key: Buffer.alloc(32, 7) }]);
  });

  it("reads every setting, trimming a trailing slash from URLs", () => {
    const config = loadConfig({
      ...valid,
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      OKX_BASE_URL: "http://127.0.0.1:9000",
      REDIS_URL: "redis://cache:6380/2",
      LOG_LEVEL: "debug",
      ENCRYPTION_KEYS: `new:${Buffer.alloc(32, 1).toString("base64")}, old:${KEY}`,
    });
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.okxUrls.global).toBe("http://127.0.0.1:9000");
    expect(config.masterKeys.map((key) => key.id)).toEqual(["new", "old"]);
  });

  it("lists every problem at once, in plain words", () => {
    const problems = problemsOf({ OKX_BASE_URL: "ftp://x", LOG_LEVEL: "loud", REDIS_URL: "localhost" });
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/BOT_TOKEN: is missing/);
    expect(problems.join("\n")).toMatch(/ENCRYPTION_KEYS: is missing/);
    expect(problems.join("\n")).toMatch(/OKX_BASE_URL: must start with http/);
    expect(problems.join("\n")).toMatch(/REDIS_URL: must start with redis/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL/);
  });

  it("refuses malformed master keys without echoing them", () => {
    const short = Buffer.alloc(16).toString("base64");
    for (const keys of [`k1:${short}`, "no-colon", `a:${KEY},a:${KEY}`, ","]) {
      const problems = problemsOf({ ...valid, ENCRYPTION_KEYS: keys });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ENCRYPTION_KEYS: /);
      expect(problems[0]).not.toContain(short);
    }
  });

  it("treats an empty setting as missing", () => {
    expect(problemsOf({ ...valid, BOT_TOKEN: "" })).toEqual([expect.stringMatching(/^BOT_TOKEN: is missing/)]);
  });
});
