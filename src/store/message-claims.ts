import { randomBytes } from "node:crypto";
import { deleteMatching, globLiteral, type RedisClient } from "./redis.js";

/**
 * Which answer a message of the bot shows now, across every replica: a summary that keeps itself up to
 * date while history loads edits its message only while no later answer (a button pressed meanwhile) has
 * claimed it. `<prefix>msg:<chat>:<message>`, gone by itself after the claim's time.
 */
export class MessageClaims {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(chatId: number, messageId: number): string {
    return `${this.prefix}msg:${chatId}:${messageId}`;
  }

  /** Claims the message for a new answer; earlier answers' claims no longer hold. */
  async claim(chatId: number, messageId: number, ttlMs: number): Promise<string> {
    const token = randomBytes(9).toString("base64url");
    await this.redis.set(this.key(chatId, messageId), token, "PX", ttlMs);
    return token;
  }

  async holds(chatId: number, messageId: number, token: string): Promise<boolean> {
    return (await this.redis.get(this.key(chatId, messageId))) === token;
  }

  /** Erases every claim on the chat's messages: an answer still keeping itself up to date then stops editing. */
  async forget(chatId: number): Promise<void> {
    await deleteMatching(this.redis, `${globLiteral(this.prefix)}msg:${chatId}:*`);
  }
}
