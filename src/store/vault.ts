import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** A master key of the vault and the id its records name it by (`ENCRYPTION_KEYS`). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

const FORMAT = "v1";
const IV_BYTES = 12;
/** GCM's full tag: a shorter one would be checked only as far as it goes, and is refused. */
const TAG_BYTES = 16;

/** A sealed value that cannot be opened here: unknown master key, other context, or tampered. */
export class VaultError extends Error {
  override readonly name = "VaultError";
}

/**
 * AES-256-GCM with a fresh random IV per value. The context (e.g. `cred:<telegram user id>`) is bound as
 * associated data, so a value copied to another user's record does not open.
 *
 * Sealed form: `v1.<master key id>.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class Vault {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(private readonly keys: readonly MasterKey[]) {
    if (keys.length === 0) throw new VaultError("the vault needs at least one master key");
    this.byId = new Map(keys.map((key) => [key.id, key.key]));
  }

  seal(plaintext: string, context: string): string {
    const current = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [FORMAT, current.id, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  open(sealed: string, context: string): string {
    const [format, keyId, iv, tag, ciphertext, ...rest] = sealed.split(".");
    if (format !== FORMAT || keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
      throw new VaultError("not a sealed value");
    }
    const key = this.byId.get(keyId);
    if (key === undefined) throw new VaultError(`sealed with master key "${keyId}", which is not configured`);
    const tagBytes = Buffer.from(tag, "base64url");
    if (tagBytes.length !== TAG_BYTES) throw new VaultError("the sealed value does not open: its tag is not 16 bytes");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new VaultError("the sealed value does not open: wrong context or tampered");
    }
  }

  /** Sealed with the first (current) master key: nothing to rotate. */
  isCurrent(sealed: string): boolean {
    return sealed.split(".")[1] === this.keys[0]!.id;
  }
}
