import { randomBytes } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import { connectRedis } from "../../src/store/redis.js";
import { testRedis } from "../support/redis.js";
import { startSentinel } from "../support/redis-server.js";

describe("the Redis connection", () => {
  it("finds the primary through Sentinel, ignoring the URL's host", async () => {
    const { redis, url, prefix } = testRedis();
    const sentinel = await startSentinel(url, "okxtest");
    onTestFinished(() => sentinel.stop());
    const viaSentinel = connectRedis({
      url: "redis://no-such-host:1",
      sentinels: [{ host: "127.0.0.1", port: sentinel.port }],
      sentinelName: "okxtest",
    });
    onTestFinished(async () => void (await viaSentinel.quit()));
    const value = randomBytes(8).toString("hex");
    await viaSentinel.set(`${prefix}through-sentinel`, value);
    expect(await redis.get(`${prefix}through-sentinel`)).toBe(value);
  });

  it("fails a command within seconds while Redis is unreachable, instead of waiting forever", async () => {
    const unreachable = connectRedis({ url: "redis://127.0.0.1:1", sentinelName: "mymaster" });
    unreachable.on("error", () => undefined);
    onTestFinished(() => void unreachable.disconnect());
    await expect(unreachable.get("anything")).rejects.toThrow();
  });
});
