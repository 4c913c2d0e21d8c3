import { accountName } from "../services/interest.js";
import type { CredentialStore } from "../store/credentials.js";
import type { AlertAccount } from "./check.js";

/**
 * The accounts a person's alerts are checked on: every account of theirs whose key opens, named as the
 * views name it, each with its slot where there are several (an alert's button opens that account's view).
 */
export function alertAccounts(credentials: Pick<CredentialStore, "openAll">) {
  return async (userId: number): Promise<AlertAccount[]> => {
    const opened = await credentials.openAll(userId);
    return opened.map(({ info, credentials: key }) => ({
      uid: info.uid,
      label: accountName(info).name,
      credentials: key,
      ...(opened.length > 1 ? { slot: info.slot } : {}),
    }));
  };
}
