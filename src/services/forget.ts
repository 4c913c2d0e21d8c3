import type { CredentialStore } from "../store/credentials.js";
import type { InterestCache } from "../store/interest-cache.js";

/**
 * `/disconnect`: the credentials, and the account history fetched with them. Returns whether a key was
 * stored. A record that no longer opens is erased all the same.
 */
export function forgetUser(credentials: CredentialStore, cache: InterestCache) {
  return async (userId: number): Promise<boolean> => {
    const connection = await credentials.load(userId).catch(() => undefined);
    if (connection !== undefined) await cache.clear(connection.info.uid);
    return credentials.remove(userId);
  };
}
