import { scanKeys, type RedisClient } from "./redis.js";
import { z } from "zod";
import type { OkxCredentials } from "../okx/client.js";
import { REGIONS, type Region } from "../okx/regions.js";
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

/**
 * Each Telegram user's OKX key, in a hash `<prefix>cred:<telegram user id>`: the key, secret and passphrase
 * sealed together (bound to the user), beside plain facts about the connection.
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

  /** Replaces whatever was stored for the user, in one step. */
  async save(userId: number, credentials: OkxCredentials, info: ConnectionInfo): Promise<void> {
    const { apiKey, secret, passphrase } = credentials;
    const sealed = this.vault.seal(JSON.stringify({ apiKey, secret, passphrase }), CredentialStore.context(userId));
    const key = this.key(userId);
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
    return (await this.redis.del(this.key(userId))) > 0;
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
