import type { CredentialStore, LeftAccount } from "../store/credentials.js";
import type { DigestMarks } from "../store/digest-marks.js";
import type { InterestCache } from "../store/interest-cache.js";
import type { MessageClaims } from "../store/message-claims.js";
import type { PendingAnswers } from "../store/pending-answers.js";
import type { PreferenceStore } from "../store/preferences.js";

export interface ForgetDependencies {
  credentials: CredentialStore;
  preferences: PreferenceStore;
  marks: DigestMarks;
  claims: MessageClaims;
  /** The answers in progress in their private chat ("Loading…" messages a replica would finish). */
  pending?: Pick<PendingAnswers, "forget">;
  cache: InterestCache;
  /** The user's daily digest in the queue: the scheduler and every job and event naming them (`DigestSchedule`). */
  digests: { forget(userId: number): Promise<void> };
  /** The user's alerts: settings, snoozes, state, the alerts waiting to go, send marks, jobs and events. */
  alerts: { forget(userId: number): Promise<void> };
  /** The state of a conversation running in a chat. */
  conversations: { forget(chatId: number): Promise<void> };
}

/**
 * `/disconnect`: erases everything stored for a Telegram user, each key family through its own store: the
 * key, the settings, the digest's schedule, jobs and day marks, the claims on the bot's messages, the
 * answers in progress there and the conversation state of their private chat (whose id is the user's), and the account's history once no
 * other Telegram user is connected to that account. Returns whether a key was stored. A record that no
 * longer opens is erased all the same; a disconnect cut short by an error is finished by the next one.
 */
export function forgetUser(dependencies: ForgetDependencies) {
  const { credentials, preferences, marks, claims, pending, cache, digests, alerts, conversations } = dependencies;
  return async (userId: number): Promise<boolean> => {
    // A scheduled run that starts from now on finds the digest off and sends nothing.
    await preferences.forget(userId);
    // Waits for a digest being sent right now (with the key still there, so it is a digest, not a complaint).
    await digests.forget(userId);
    // Likewise an alert being sent; its settings go first, so a check starting meanwhile finds no rule.
    await alerts.forget(userId);
    const { erased, accounts } = await credentials.forget(userId);
    // After the digests: a run that was under way has marked its day by now, and one that found the person
    // gone from Telegram (403) has written their digest off again.
    await Promise.all([
      preferences.forget(userId),
      marks.forget(userId),
      claims.forget(userId),
      conversations.forget(userId),
      pending?.forget(userId),
    ]);
    await clearUnshared(cache, accounts);
    return erased;
  };
}

/** Each account no other Telegram user is connected to loses its history; a walk still paging it has lost its lease with it, and writes nothing more. */
async function clearUnshared(cache: InterestCache, accounts: readonly LeftAccount[]): Promise<void> {
  for (const account of accounts) if (!account.shared) await cache.clear(account.uid);
}

/**
 * `/accounts` → Remove: erases one of a person's accounts and what was derived from it alone (its
 * history, once no other Telegram user is connected to it); their other accounts, settings and digests
 * stay. Returns whether it was held.
 */
export function forgetAccount(
  dependencies: Pick<ForgetDependencies, "credentials" | "cache" | "preferences"> & {
    alerts: { forgetAccount(userId: number, uid: string): Promise<void> };
  },
) {
  const { credentials, cache, preferences, alerts } = dependencies;
  return async (userId: number, uid: string): Promise<boolean> => {
    const { erased, accounts } = await credentials.forgetAccount(userId, uid);
    await alerts.forgetAccount(userId, uid);
    // The digest names the accounts it covers: this one is no longer among them.
    const digest = await preferences.digest(userId);
    if (digest.accounts.includes(uid)) await preferences.setDigest(userId, { ...digest, accounts: digest.accounts.filter((held) => held !== uid) });
    await clearUnshared(cache, accounts);
    return erased;
  };
}
