import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject, onTestFinished } from "vitest";

/** A client of the run's Redis and a key prefix of this test's own, cleaned up after the test. */
export function testRedis(): { redis: Redis; prefix: string; url: string } {
  const url = inject("redisUrl");
  const redis = new Redis(url, { lazyConnect: false });
  const prefix = `t${randomBytes(4).toString("hex")}:`;
  onTestFinished(async () => {
    const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`b_${prefix}*`))];
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix, url };
}
