import { describe, expect, it } from "vitest";
import { InterestCache } from "../../src/store/interest-cache.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

describe("interest cache batches", () => {
  it("gives every record of a range once, in order, whatever the batch size and however hours fall across batches", async () => {
    const { redis, prefix } = testRedis();
    const cache = new InterestCache(redis, prefix);
    const endTs = Date.UTC(2026, 5, 1);
    // Four lines: four records share each hour's score.
    await cache.add("42", generateAccruals({ hours: 24 * 3, endTs }));
    const from = endTs - 48 * HOUR_MS;
    const expected = await cache.range("42", from, endTs);
    expect(expected.length).toBeGreaterThan(150);
    for (const size of [1, 3, 4, 7, 100, 1_000]) {
      const seen = [];
      for await (const batch of cache.batches("42", from, endTs, size)) {
        expect(batch.length).toBeLessThanOrEqual(size);
        seen.push(...batch);
      }
      expect(seen, `batches of ${size}`).toEqual(expected);
    }
    const empty = [];
    for await (const batch of cache.batches("nobody", from, endTs)) empty.push(batch);
    expect(empty).toEqual([]);
  });
});
