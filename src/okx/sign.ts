import { createHmac } from "node:crypto";

/** What OKX v5 signs: timestamp + METHOD + requestPath (with its query string, as sent) + body. */
export function prehash(timestamp: string, method: string, requestPath: string, body = ""): string {
  return timestamp + method.toUpperCase() + requestPath + body;
}

/** `OK-ACCESS-SIGN`: Base64(HMAC-SHA256(secret, prehash)). */
export function sign(secret: string, timestamp: string, method: string, requestPath: string, body = ""): string {
  return createHmac("sha256", secret)
    .update(prehash(timestamp, method, requestPath, body))
    .digest("base64");
}

/** `OK-ACCESS-TIMESTAMP`: ISO 8601 UTC with milliseconds, e.g. 2020-12-08T09:08:57.715Z. */
export function okxTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * The query string in a fixed order, built once, so that the bytes signed are the bytes sent.
 * Empty and undefined values are left out, as OKX treats them as absent.
 */
export function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.append(name, value);
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
