import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Vault, VaultError } from "../../src/store/vault.js";
import { CredentialStore, maskApiKey } from "../../src/store/credentials.js";
import { sealedStateStorage } from "../../src/store/conversation-storage.js";
import { testRedis } from "../support/redis.js";

const oldKey = { id: "old", key: randomBytes(32) };
const newKey = { id: "new", key: randomBytes(32) };
const credentials = {
  apiKey: "2bd806c9-7f0e-00af-1a1f-c3328fa763a9",
  secret: "0F3A9C2B7D1E4F5A6B7C8D9E0F1A2B3C",
  passphrase: "Correct-Horse-9!",
  demo: true,
  region: "eea" as const,
};
const info = { uid: "589842820971", label: "reader", permissions: ["read_only"], region: "eea" as const, demo: true, connectedAt: 1_700_000_000_000 };

/** Every way a secret could be written down: as is, base64, hex, URL-encoded. */
function secretForms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [value, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex"), encodeURIComponent(value)];
}

async function rawDump(redis: ReturnType<typeof testRedis>["redis"], prefix: string): Promise<string> {
  const keys = await redis.keys(`${prefix}*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === "hash") parts.push(key, JSON.stringify(await redis.hgetall(key)));
    else if (type === "set") parts.push(key, JSON.stringify(await redis.smembers(key)));
    else parts.push(key, String(await redis.get(key)));
  }
  return parts.join("\n");
}

describe("vault", () => {
  it("seals with a fresh IV and opens only in the same context", () => {
    const vault = new Vault([newKey]);
    const first = vault.seal("hello", "cred:1");
    expect(vault.seal("hello", "cred:1")).not.toBe(first);
    expect(vault.open(first, "cred:1")).toBe("hello");
    expect(() => vault.open(first, "cred:2")).toThrow(VaultError);
  });

  it("refuses tampered values and unknown master keys", () => {
    const vault = new Vault([newKey]);
    const sealed = vault.seal("hello", "c");
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[4]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => vault.open([...parts.slice(0, 4), flipped.toString("base64url")].join("."), "c")).toThrow(VaultError);
    expect(() => new Vault([oldKey]).open(sealed, "c")).toThrow(/master key "new"/);
    expect(() => vault.open("garbage", "c")).toThrow(VaultError);
  });
});

describe("credential store", () => {
  it("takes only a whole 16-byte tag: a value with its tag cut short does not open", () => {
    const vault = new Vault([newKey]);
    const [format, keyId, iv, tag, ciphertext] = vault.seal("hello", "cred:1").split(".") as [string, string, string, string, string];
    const full = Buffer.from(tag, "base64url");
    expect(full).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const cut = [format, keyId, iv, full.subarray(0, length).toString("base64url"), ciphertext].join(".");
      expect(() => vault.open(cut, "cred:1"), `a tag of ${length} bytes`).toThrow(VaultError);
    }
    const longer = [format, keyId, iv, Buffer.concat([full, Buffer.alloc(1)]).toString("base64url"), ciphertext].join(".");
    expect(() => vault.open(longer, "cred:1")).toThrow(VaultError);
    expect(vault.open([format, keyId, iv, tag, ciphertext].join("."), "cred:1")).toBe("hello");
  });

  it("keeps no secret, passphrase or API key readable in Redis, and reads them back", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, new Vault([newKey]), prefix);
    await store.save(42, credentials, info);
    const dump = await rawDump(redis, prefix);
    for (const value of [credentials.apiKey, credentials.secret, credentials.passphrase]) {
      for (const form of secretForms(value)) expect(dump).not.toContain(form);
    }
    expect(await store.load(42)).toEqual({ credentials, info: { ...info, slot: 0, name: "", isDefault: true }, maskedKey: "2bd8••••63a9" });
    expect(await store.load(43)).toBeUndefined();
  });

  it("does not open a record copied to another user", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, new Vault([newKey]), prefix);
    await store.save(42, credentials, info);
    await redis.copy(`${prefix}cred:42`, `${prefix}cred:666`);
    await expect(store.load(666)).rejects.toThrow(VaultError);
  });

  it("rotates every record to the first master key, and still reads them", async () => {
    const { redis, prefix } = testRedis();
    await new CredentialStore(redis, new Vault([oldKey]), prefix).save(1, credentials, info);
    await new CredentialStore(redis, new Vault([oldKey]), prefix).save(2, credentials, info);
    const rotating = new CredentialStore(redis, new Vault([newKey, oldKey]), prefix);
    expect(await rotating.rotate()).toEqual({ rotated: 2, total: 2 });
    expect(await rotating.rotate()).toEqual({ rotated: 0, total: 2 });
    const onlyNew = new CredentialStore(redis, new Vault([newKey]), prefix);
    expect((await onlyNew.load(2))?.credentials).toEqual(credentials);
  });

  it("erases a connection", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, new Vault([newKey]), prefix);
    await store.save(7, credentials, info);
    expect((await store.forget(7)).erased).toBe(true);
    expect(await store.load(7)).toBeUndefined();
    expect((await store.forget(7)).erased).toBe(false);
  });

  it("masks API keys", () => {
    expect(maskApiKey("abcdefghijkl")).toBe("abcd••••ijkl");
    expect(maskApiKey("short")).toBe("••••");
  });
});

describe("sealed conversation storage", () => {
  it("seals state, binds it to its key, and expires it", async () => {
    const { redis, prefix } = testRedis();
    const storage = sealedStateStorage<{ text: string }>(redis, new Vault([newKey]), 300);
    await storage.write(`${prefix}conv:1`, { text: credentials.secret });
    expect(await rawDump(redis, prefix)).not.toContain(credentials.secret);
    expect(await storage.read(`${prefix}conv:1`)).toEqual({ text: credentials.secret });
    await redis.copy(`${prefix}conv:1`, `${prefix}conv:2`);
    expect(await storage.read(`${prefix}conv:2`)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await storage.read(`${prefix}conv:1`)).toBeUndefined();
  });
});
