import type { RedisClient } from "./redis.js";
import { VaultError, type Vault } from "./vault.js";

/** Where the conversations plugin keeps a chat's state: `<prefix>conv:<chat id>`. */
export function conversationKeyPrefix(prefix: string): string {
  return `${prefix}conv:`;
}

/** Erases the state of whatever conversation the chat has running (the updates it holds included). */
export async function forgetConversation(redis: RedisClient, prefix: string, chatId: number): Promise<void> {
  await redis.del(`${conversationKeyPrefix(prefix)}${chatId}`);
}

/** The shape the conversations plugin reads and writes (its `VersionedStateStorage<string, S>`). */
export interface SealedStateStorage<S> {
  read(key: string): Promise<S | undefined>;
  write(key: string, state: S): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Conversation state, sealed. The conversations plugin keeps every update of a running conversation in
 * its state so that it can replay it, including the messages that carried a secret; sealed with the
 * storage key as context, nothing of them is readable in Redis. An abandoned conversation expires.
 */
export function sealedStateStorage<S>(redis: RedisClient, vault: Vault, ttlMs: number): SealedStateStorage<S> {
  return {
    async read(key) {
      const sealed = await redis.get(key);
      if (sealed === null) return undefined;
      try {
        return JSON.parse(vault.open(sealed, key)) as S;
      } catch (error) {
        // Sealed with a master key since retired: a conversation is minutes of state, start afresh.
        if (!(error instanceof VaultError)) throw error;
        await redis.del(key);
        return undefined;
      }
    },
    async write(key, state) {
      await redis.set(key, vault.seal(JSON.stringify(state), key), "PX", ttlMs);
    },
    async delete(key) {
      await redis.del(key);
    },
  };
}
