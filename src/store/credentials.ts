import { globLiteral, scanKeys, type RedisClient } from "./redis.js";
import { z } from "zod";
import { REGIONS, type OkxCredentials, type Region } from "../domain/api-key.js";
import type { Vault } from "./vault.js";

/** What is known about a connected key besides its secrets; none of it opens the account. */
export interface ConnectionInfo {
  /** OKX account UID: the key of the account's limiter and caches. */
  uid: string;
  label: string;
  permissions: string[];
  region: Region;
  demo: boolean;
  connectedAt: number;
}

export interface Connection {
  credentials: OkxCredentials;
  info: ConnectionInfo;
  /** The API key with all but its first and last four characters hidden. */
  maskedKey: string;
}

const secretsSchema = z.object({ apiKey: z.string(), secret: z.string(), passphrase: z.string() });

export function maskApiKey(apiKey: string): string {
  return apiKey.length <= 8 ? "••••" : `${apiKey.slice(0, 4)}••••${apiKey.slice(-4)}`;
}

/** What `forget` erased. */
export interface Forgotten {
  /** A key was stored. */
  erased: boolean;
  /** The OKX account it was for, and whether another Telegram user is still connected to that account. */
  account?: { uid: string; shared: boolean };
}

/**
 * Each Telegram user's OKX key, in a hash `<prefix>cred:<telegram user id>`: the key, secret and passphrase
 * sealed together (bound to the user), beside plain facts about the connection. Each account's connected
 * Telegram users are kept in a set, `<prefix>acct:<uid>:users`, so that the account's cache, which they
 * share, is erased when the last of them disconnects.
 */
export class CredentialStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly vault: Vault,
    private readonly prefix: string,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}cred:${userId}`;
  }

  private static context(userId: number): string {
    return `cred:${userId}`;
  }

  private accountKey(uid: string): string {
    return `${this.prefix}acct:${uid}:users`;
  }

  /** Replaces whatever was stored for the user, in one step. */
  async save(userId: number, credentials: OkxCredentials, info: ConnectionInfo): Promise<void> {
    const { apiKey, secret, passphrase } = credentials;
    const sealed = this.vault.seal(JSON.stringify({ apiKey, secret, passphrase }), CredentialStore.context(userId));
    const key = this.key(userId);
    const before = await this.redis.hget(key, "uid");
    // Counted among the account's users before the key is there: a disconnect of another user meanwhile sees this one.
    await this.redis.sadd(this.accountKey(info.uid), String(userId));
    try {
      await this.redis
        .multi()
        .del(key)
        .hset(key, {
          sealed,
          uid: info.uid,
          label: info.label,
          permissions: info.permissions.join(","),
          region: info.region,
          demo: info.demo ? "1" : "0",
          connectedAt: String(info.connectedAt),
        })
        .exec();
    } catch (error) {
      // Not stored: not counted either (unless an earlier key of the same account is still there).
      if (before !== info.uid) await this.redis.srem(this.accountKey(info.uid), String(userId)).catch(() => undefined);
      throw error;
    }
    if (before !== null && before !== "" && before !== info.uid) await this.leave(before, userId);
  }

  async load(userId: number): Promise<Connection | undefined> {
    const fields = await this.redis.hgetall(this.key(userId));
    if (fields.sealed === undefined) return undefined;
    const secrets = secretsSchema.parse(JSON.parse(this.vault.open(fields.sealed, CredentialStore.context(userId))));
    const region = REGIONS.find((candidate) => candidate === fields.region) ?? "global";
    const info: ConnectionInfo = {
      uid: fields.uid ?? "",
      label: fields.label ?? "",
      permissions: (fields.permissions ?? "").split(",").filter(Boolean),
      region,
      demo: fields.demo === "1",
      connectedAt: Number(fields.connectedAt ?? 0),
    };
    return { credentials: { ...secrets, region, demo: info.demo }, info, maskedKey: maskApiKey(secrets.apiKey) };
  }

  /** Whether a key is stored for the user, without opening it. */
  async has(userId: number): Promise<boolean> {
    return (await this.redis.exists(this.key(userId))) === 1;
  }

  async remove(userId: number): Promise<boolean> {
    return (await this.forget(userId)).erased;
  }

  /** Erases the user's key (one that no longer opens all the same) and their place among the account's users. */
  async forget(userId: number): Promise<Forgotten> {
    const key = this.key(userId);
    const uid = await this.redis.hget(key, "uid");
    const erased = (await this.redis.del(key)) > 0;
    if (uid === null || uid === "") return { erased };
    return { erased, account: { uid, shared: await this.leave(uid, userId) } };
  }

  /** Takes the user out of the account's users; true if others are still connected to it. */
  private async leave(uid: string, userId: number): Promise<boolean> {
    const accountKey = this.accountKey(uid);
    const [removed, left] = await Promise.all([this.redis.srem(accountKey, String(userId)), this.redis.scard(accountKey)]);
    if (removed === 1) return left > 0;
    // Stored before accounts kept their users, and not indexed yet: the stored keys say who else is connected.
    return (await this.index(uid)) > 0;
  }

  /**
   * Counts in the account's users everyone whose stored key is for it (`uid`), or for every account, as keys
   * stored before accounts kept their users need; returns how many were found. Safe beside connects and
   * disconnects: a user is kept only if their key is still there once counted.
   */
  async index(uid?: string): Promise<number> {
    let found = 0;
    const start = `${this.prefix}cred:`.length;
    for await (const key of scanKeys(this.redis, `${globLiteral(this.prefix)}cred:*`, 1000)) {
      const userId = key.slice(start);
      const held = await this.redis.hget(key, "uid");
      if (held === null || held === "" || (uid !== undefined && held !== uid)) continue;
      await this.redis.sadd(this.accountKey(held), userId);
      // A disconnect erases the key before it leaves the set: one that did so meanwhile is taken out again.
      if ((await this.redis.hget(key, "uid")) === held) found++;
      else await this.redis.srem(this.accountKey(held), userId);
    }
    return found;
  }

  /** Re-seals every record not sealed with the current master key; returns how many were re-sealed. */
  async rotate(): Promise<{ rotated: number; total: number }> {
    let rotated = 0;
    let total = 0;
    for await (const key of scanKeys(this.redis, `${this.prefix}cred:*`)) {
      const sealed = await this.redis.hget(key, "sealed");
      if (sealed === null) continue;
      total++;
      if (this.vault.isCurrent(sealed)) continue;
      const context = CredentialStore.context(Number(key.slice(this.prefix.length + "cred:".length)));
      await this.redis.hset(key, "sealed", this.vault.seal(this.vault.open(sealed, context), context));
      rotated++;
    }
    return { rotated, total };
  }
}
