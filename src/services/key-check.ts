import { findKeyRegion, excessPermissions } from "../okx/account.js";
import type { OkxClient } from "../okx/client.js";
import { OkxError, type OkxErrorCategory } from "../okx/errors.js";
import { fetchInterestAccrued } from "../okx/interest-accrued.js";
import type { OkxCredentials, Region } from "../domain/api-key.js";

/** The outcome of checking a key with OKX, as plain JSON (a conversation keeps it in its log). */
export type KeyCheck =
  | {
      ok: true;
      region: Region;
      /** Regions that answered "API key doesn't exist" before the right one. */
      triedRegions: Region[];
      uid: string;
      label: string;
      permissions: string[];
      /** Permissions beyond reading, e.g. `trade`, `withdraw`. */
      excess: string[];
    }
  | { ok: false; category: OkxErrorCategory | "internal"; code: string; message: string };

/**
 * Reads the account configuration (finding the key's region on the way), then makes one interest-accrued
 * request, so that a key which cannot read interest is refused before anything is stored.
 */
export async function checkKey(okx: OkxClient, credentials: OkxCredentials): Promise<KeyCheck> {
  try {
    const { region, config, triedRegions } = await findKeyRegion(okx, credentials);
    await fetchInterestAccrued(okx, { ...credentials, region }, { limit: 1 }, { account: config.uid, priority: "interactive" });
    return {
      ok: true,
      region,
      triedRegions,
      uid: config.uid,
      label: config.label,
      permissions: config.permissions,
      excess: excessPermissions(config),
    };
  } catch (error) {
    if (error instanceof OkxError) return { ok: false, category: error.category, code: error.code, message: error.message };
    return { ok: false, category: "internal", code: "INTERNAL", message: "internal error" };
  }
}
