/** The shapes of the three parts of an OKX API key, checked before anything is sent to OKX. */
export const API_KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SECRET_PATTERN = /^[0-9A-F]{32}$/i;
/**
 * OKX asks for 8 to 32 characters when a key is created, and the passphrase travels in a request header
 * (`OK-ACCESS-PASSPHRASE`), which carries printable ASCII only: no Chinese characters, no emoji. Spaces
 * would not survive being typed here.
 */
export const PASSPHRASE_PATTERN = /^[\x21-\x7e]{8,32}$/;

/** Why a passphrase cannot be OKX's: characters a header cannot carry, or its length and spaces; undefined if it can be. */
export function passphraseProblem(value: string): "characters" | "format" | undefined {
  if (PASSPHRASE_PATTERN.test(value)) return undefined;
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(value) ? "characters" : "format";
}

/** Text that looks like an API key or a secret, anywhere in a message. */
const SECRET_LIKE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9A-F]{32}\b/i;

export function looksLikeSecret(text: string): boolean {
  return SECRET_LIKE.test(text);
}
