import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIGEST_QUEUE } from "../../src/digest/schedule.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { connectRedis, readyForCommands, scanKeys, slotTag } from "../../src/store/redis.js";
import { Vault } from "../../src/store/vault.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";
import { startRedisCluster } from "../support/redis-server.js";

type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>;
const account = fakeAccount({ name: "cora", hours: 24 * 40 });
const key = (id: string) => ({ id, key: randomBytes(32) });

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 30_000);
afterAll(() => cluster?.stop());

/** A key's members or fields and values, as text. */
async function contentOf(redis: ReturnType<typeof connectRedis>, key: string): Promise<string> {
  const type = await redis.type(key);
  if (type === "string") return (await redis.get(key)) ?? "";
  if (type === "hash") return JSON.stringify(await redis.hgetall(key));
  if (type === "set") return JSON.stringify(await redis.smembers(key));
  if (type === "zset") return JSON.stringify(await redis.zrange(key, 0, -1));
  if (type === "list") return JSON.stringify(await redis.lrange(key, 0, -1));
  if (type === "stream") return JSON.stringify(await redis.xrange(key, "-", "+"));
  return type;
}

const clusterSettings = () => ({ url: "redis://ignored-host:1", sentinelName: "mymaster", clusterNodes: cluster.nodes });

describe("on a Redis Cluster", () => {
  it("reaches keys on every primary, and finds them all when it scans", async () => {
    const redis = connectRedis(clusterSettings());
    try {
      expect(await readyForCommands(redis, 10_000)).toBe(true);
      expect(redis).toBeInstanceOf(Cluster);
      const prefix = `scan${randomBytes(3).toString("hex")}:`;
      const written = Array.from({ length: 60 }, (_, index) => `${prefix}k${index}`);
      await Promise.all(written.map((name) => redis.set(name, "1")));
      // Sixty keys land on all three primaries; a scan of one node would miss most of them.
      const counts = await Promise.all((redis as Cluster).nodes("master").map((node) => node.dbsize()));
      expect(counts.every((count) => count > 0)).toBe(true);
      const found: string[] = [];
      for await (const name of scanKeys(redis, `${prefix}*`)) found.push(name);
      expect(found.sort()).toEqual([...written].sort());
      expect(slotTag(redis, "acct")).toBe("{acct}");
    } finally {
      await redis.quit();
    }
  });

  it("re-seals every stored key when the master key rotates, wherever its slot is", async () => {
    const redis = connectRedis(clusterSettings());
    try {
      expect(await readyForCommands(redis, 10_000)).toBe(true);
      const prefix = `rot${randomBytes(3).toString("hex")}:`;
      const [old, fresh] = [key("old"), key("new")];
      const info = { uid: "1", label: "ro", permissions: ["read_only"], region: "global" as const, demo: false, connectedAt: 0 };
      const users = Array.from({ length: 12 }, (_, index) => 100 + index);
      const before = new CredentialStore(redis, new Vault([old]), prefix);
      for (const user of users) await before.save(user, { apiKey: `k${user}`, secret: "s", passphrase: "p", region: "global", demo: false }, info);
      expect(await new CredentialStore(redis, new Vault([fresh, old]), prefix).rotate()).toEqual({ rotated: 12, total: 12 });
      // Every one opens with the new master key alone.
      const onlyNew = new CredentialStore(redis, new Vault([fresh]), prefix);
      const loaded = await Promise.all(users.map((user) => onlyNew.load(user)));
      expect(loaded.map((connection) => connection?.credentials.apiKey)).toEqual(users.map((user) => `k${user}`));
    } finally {
      await redis.quit();
    }
  });

  describe("the bot, as npm start runs it", () => {
    let e2e: EndToEnd;
    beforeAll(async () => {
      const [first] = cluster.nodes;
      e2e = await startEndToEnd(`redis://127.0.0.1:${first!.port}`, [account], {
        REDIS_CLUSTER_NODES: cluster.nodes.map((node) => `${node.host}:${node.port}`).join(","),
      });
    }, 30_000);
    afterAll(() => e2e?.close());

    it("connects a key, answers /interest from OKX and its cache, schedules and sends a digest, and erases it all on /disconnect", async () => {
      const chat = e2e.newChat();
      await connect(chat, account);
      chat.send("/interest USDT 7d");
      await chat.expect(/USDT interest · last 7 days/, 30_000);
      await e2e.historyLoaded(account.uid);
      const served = e2e.okx.stats.requests;
      chat.send("/interest USDT 24h");
      await chat.expect(/USDT interest · last 24 hours/);
      // The second question came from the cache, with at most one request for what is new.
      expect(e2e.okx.stats.requests - served).toBeLessThanOrEqual(1);

      chat.send("/digest");
      chat.press(await chat.expect(/Daily digest: off/), /Turn on/);
      await chat.expect(/Daily digest: on[\s\S]*Next: /);
      const queue = new Queue(DIGEST_QUEUE, {
        connection: new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: null } }),
        prefix: `{${e2e.prefix}bull}`,
      });
      try {
        expect(await queue.getJobScheduler(`digest-${chat.user.id}`)).toMatchObject({ pattern: "0 9 * * *" });
      } finally {
        await queue.close();
      }
      chat.send("/digest");
      chat.press(await chat.expect(/Daily digest: on/), /Send now/);
      await chat.expect(/Your borrowing, \w{3} \d{1,2} \w{3}/, 30_000);

      // Erased across the slots: the keys naming one person fall in many slots, on different primaries.
      const redis = connectRedis(clusterSettings());
      try {
        expect(await readyForCommands(redis, 10_000)).toBe(true);
        const names = new RegExp(`[:{-](${chat.user.id}|${account.uid})([:}-]|$)`);
        const naming = async () => {
          const found: string[] = [];
          for await (const name of scanKeys(redis, `*${e2e.prefix}*`)) {
            if (name.startsWith(`b_${e2e.prefix}lim-`) || name === `${e2e.prefix}flood:${chat.user.id}`) continue;
            if (names.test(name) || names.test(await contentOf(redis, name))) found.push(name);
          }
          return found;
        };
        const before = (await naming()).join("\n");
        for (const family of ["cred:", "prefs:", "acct:", "rec:{", "bull}:digest:repeat:", "bull}:digest:events"]) expect(before).toContain(family);
        chat.send("/disconnect");
        await chat.expect(/Disconnected/);
        expect(await naming()).toEqual([]);
      } finally {
        await redis.quit();
      }
    }, 90_000);
  });

  // Last: it takes the cluster down.
  it("fails each command at once while every node is out of reach, instead of holding it", async () => {
    const redis = connectRedis(clusterSettings());
    redis.on("error", () => undefined);
    try {
      expect(await readyForCommands(redis, 10_000)).toBe(true);
      await redis.set("outage", "1");
      await cluster.stop();
      // With commands held while the cluster reconnects, the second of these would never settle.
      for (let attempt = 0; attempt < 3; attempt++) await expect(redis.get("outage")).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
  }, 20_000);
});
