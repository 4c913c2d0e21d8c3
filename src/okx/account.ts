import { createHash } from "node:crypto";
import { z } from "zod";
import type { OkxCredentials, Region } from "../domain/api-key.js";
import type { Priority } from "../domain/priority.js";
import type { OkxClient } from "./client.js";
import { OkxError } from "./errors.js";
import { regionsToTry } from "./regions.js";

export const ACCOUNT_CONFIG_PATH = "/api/v5/account/config";

export interface AccountConfig {
  uid: string;
  label: string;
  /** Permissions of the key, e.g. `read_only`, `trade`, `withdraw`. */
  permissions: string[];
}

const configSchema = z.object({
  uid: z.union([z.string(), z.number()]).transform(String),
  label: z.string().default(""),
  perm: z.string().default(""),
});

/**
 * The limiter key for a key whose account UID is not known yet: a digest of the API key, so that the
 * key itself never becomes part of a Redis key.
 */
export function provisionalAccount(apiKey: string): string {
  return `key-${createHash("sha256").update(apiKey).digest("hex").slice(0, 16)}`;
}

export async function fetchAccountConfig(
  client: OkxClient,
  credentials: OkxCredentials,
  priority: Priority = "interactive",
  account: string = provisionalAccount(credentials.apiKey),
): Promise<AccountConfig> {
  const [first] = await client.privateGet(credentials, ACCOUNT_CONFIG_PATH, {}, { account, priority });
  const parsed = configSchema.safeParse(first);
  if (!parsed.success) {
    throw new OkxError({ code: "BAD_RESPONSE", category: "bad-response", message: "OKX sent an account configuration of an unexpected shape" });
  }
  const { uid, label, perm } = parsed.data;
  return {
    uid,
    label,
    permissions: perm
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  };
}

export interface RegionMatch {
  region: Region;
  config: AccountConfig;
  /** The regions that answered "API key doesn't exist" first. */
  triedRegions: Region[];
}

/**
 * A key works only on its own OKX site; elsewhere it answers 50119 "API key doesn't exist". Asks the
 * key's region first, then the others, and says which one knows it. Any other error ends the search.
 */
export async function findKeyRegion(client: OkxClient, credentials: OkxCredentials): Promise<RegionMatch> {
  const triedRegions: Region[] = [];
  let lastError: OkxError | undefined;
  for (const region of regionsToTry(credentials.region)) {
    try {
      const config = await fetchAccountConfig(client, { ...credentials, region });
      return { region, config, triedRegions };
    } catch (error) {
      if (!(error instanceof OkxError) || error.category !== "key-unknown") throw error;
      triedRegions.push(region);
      lastError = error;
    }
  }
  throw lastError ?? new OkxError({ code: "50119", message: "API key doesn't exist" });
}

/** A key that can do more than read: this bot needs nothing but `read_only`. */
export function excessPermissions(config: AccountConfig): string[] {
  return config.permissions.filter((permission) => permission !== "read_only");
}
