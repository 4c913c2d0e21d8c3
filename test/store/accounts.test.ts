import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CredentialStore } from "../../src/store/credentials.js";
import { Vault } from "../../src/store/vault.js";
import { testRedis } from "../support/redis.js";

const vault = new Vault([{ id: "k1", key: randomBytes(32) }]);
const keyOf = (n: number) => ({
  apiKey: `2bd806c9-7f0e-00af-1a1f-c3328fa763a${n}`,
  secret: `0F3A9C2B7D1E4F5A6B7C8D9E0F1A2B3${n}`,
  passphrase: `Correct-Horse-${n}!`,
  demo: false,
  region: "global" as const,
});
const info = (uid: string, connectedAt: number) => ({
  uid,
  label: `key ${uid}`,
  permissions: ["read_only"],
  region: "global" as const,
  demo: false,
  connectedAt,
});

describe("a person's several OKX accounts", () => {
  it("adds accounts in their own slots, the first the default, and never one account twice", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix, 3);
    expect(await store.save(7, keyOf(1), info("111", 1))).toEqual({ kind: "added", slot: 0 });
    expect(await store.save(7, keyOf(2), info("222", 2))).toEqual({ kind: "added", slot: 1 });
    // Another key of an account already held: recognised by its UID, its key replaced in place.
    expect(await store.save(7, keyOf(3), info("222", 3))).toEqual({ kind: "replaced", slot: 1 });
    const accounts = await store.accounts(7);
    expect(accounts.map(({ uid, slot, isDefault }) => ({ uid, slot, isDefault }))).toEqual([
      { uid: "111", slot: 0, isDefault: true },
      { uid: "222", slot: 1, isDefault: false },
    ]);
    expect((await store.load(7, "222"))?.credentials).toEqual(keyOf(3));
    expect((await store.load(7))?.info.uid).toBe("111");
    expect(await redis.smembers(`${prefix}acct:222:users`)).toEqual(["7"]);
  });

  it("refuses an account past the most allowed, counting nobody for it", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix, 2);
    await store.save(7, keyOf(1), info("111", 1));
    await store.save(7, keyOf(2), info("222", 2));
    expect(await store.save(7, keyOf(3), info("333", 3))).toEqual({ kind: "full", max: 2 });
    expect(await redis.exists(`${prefix}acct:333:users`)).toBe(0);
    expect(await store.save(7, keyOf(4), info("222", 4))).toEqual({ kind: "replaced", slot: 1 });
  });

  it("renames, moves the default, and after a removal gives the default to the oldest left and reuses the slot", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    for (const [n, uid] of [
      [1, "111"],
      [2, "222"],
      [3, "333"],
    ] as const)
      await store.save(7, keyOf(n), info(uid, n));
    expect(await store.rename(7, "222", "Sub <one>")).toBe(true);
    expect(await store.rename(7, "999", "nobody")).toBe(false);
    expect(await store.makeDefault(7, "333")).toBe(true);
    expect((await store.accounts(7)).map((entry) => [entry.uid, entry.name, entry.isDefault])).toEqual([
      ["333", "", true],
      ["111", "", false],
      ["222", "Sub <one>", false],
    ]);
    expect(await store.forgetAccount(7, "333")).toEqual({ erased: true, accounts: [{ uid: "333", shared: false }] });
    expect((await store.load(7))?.info.uid).toBe("111");
    expect(await store.save(7, keyOf(4), info("444", 4))).toEqual({ kind: "added", slot: 2 });
    expect(await store.forgetAccount(7, "333")).toEqual({ erased: false, accounts: [] });
    // The name stays with its account when its key is replaced.
    await store.save(7, keyOf(5), info("222", 5));
    expect((await store.load(7, "222"))?.info.name).toBe("Sub <one>");
  });

  it("the last account removed leaves nothing of the person", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    await store.save(7, keyOf(1), info("111", 1));
    await store.forgetAccount(7, "111");
    expect(await store.has(7)).toBe(false);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it("reads a key stored before a person could hold several, and moves it on the next write", async () => {
    const { redis, prefix } = testRedis();
    const key = keyOf(1);
    const sealed = vault.seal(JSON.stringify({ apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase }), "cred:7");
    await redis.hset(`${prefix}cred:7`, {
      sealed,
      uid: "111",
      label: "old",
      permissions: "read_only",
      region: "global",
      demo: "0",
      connectedAt: "5",
    });
    const store = new CredentialStore(redis, vault, prefix);
    expect((await store.load(7))?.info).toMatchObject({ uid: "111", label: "old", slot: 0, isDefault: true, connectedAt: 5 });
    expect(await store.save(7, keyOf(2), info("222", 6))).toEqual({ kind: "added", slot: 1 });
    expect(await redis.hget(`${prefix}cred:7`, "sealed")).toBeNull();
    expect((await store.accounts(7)).map((entry) => entry.uid)).toEqual(["111", "222"]);
    expect((await store.load(7, "111"))?.credentials).toEqual(key);
    expect(await store.rotate()).toEqual({ rotated: 0, total: 2 });
  });

  it("never opens one person's key for another", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    await store.save(7, keyOf(1), info("111", 1));
    expect(await store.load(8, "111")).toBeUndefined();
    expect(await store.accounts(8)).toEqual([]);
  });
});
