/** What went wrong, in the terms the bot words for a person. */
export type OkxErrorCategory =
  | "bad-key"
  | "key-unknown"
  | "bad-signature"
  | "bad-passphrase"
  | "wrong-environment"
  | "ip-not-allowed"
  | "permission"
  | "timestamp"
  | "rate-limited"
  | "unavailable"
  | "bad-parameter"
  | "account-restricted"
  | "bad-response"
  | "unknown";

/** OKX's codes for the private REST endpoints this bot calls, by category. */
const CATEGORY_BY_CODE: Readonly<Record<string, OkxErrorCategory>> = {
  "50103": "bad-key", // OK-ACCESS-KEY empty
  "50111": "bad-key", // Invalid OK-ACCESS-KEY
  "50114": "bad-key", // Invalid authorization
  "50119": "key-unknown", // API key doesn't exist (often: a key of another OKX region)
  "50106": "bad-signature", // OK-ACCESS-SIGN empty
  "50113": "bad-signature", // Invalid Sign (usually a wrong secret)
  "50104": "bad-passphrase", // OK-ACCESS-PASSPHRASE empty
  "50105": "bad-passphrase", // OK-ACCESS-PASSPHRASE incorrect
  "50101": "wrong-environment", // APIKey does not match current environment (live vs demo)
  "50110": "ip-not-allowed", // IP not in the key's whitelist
  "50121": "ip-not-allowed", // IP not allowed to reach OKX at all
  "50120": "permission", // key lacks the permission
  "50030": "permission", // no permission to use this API
  "50102": "timestamp", // Timestamp request expired
  "50107": "timestamp", // OK-ACCESS-TIMESTAMP empty
  "50112": "timestamp", // Invalid OK-ACCESS-TIMESTAMP
  "50011": "rate-limited", // Too Many Requests
  "50061": "rate-limited", // sub-account rate limit
  "50001": "unavailable", // Service temporarily unavailable
  "50004": "unavailable", // API endpoint request timeout
  "50005": "unavailable", // API is offline or unavailable
  "50013": "unavailable", // Systems are busy
  "50026": "unavailable", // System error
  "50002": "bad-parameter", // JSON syntax error
  "50014": "bad-parameter", // Parameter {0} can not be empty
  "50015": "bad-parameter", // Either parameter {0} or {1} is required
  "50016": "bad-parameter", // Parameter {0} does not match parameter {1}
  "50024": "bad-parameter", // Parameter {0} and {1} can not exist at the same time
  "50025": "bad-parameter", // Parameter {0} count exceeds the limit {1}
  "51000": "bad-parameter", // Parameter {0} error
  "50007": "account-restricted", // Account blocked
  "50008": "account-restricted", // User does not exist
  "50009": "account-restricted", // Account suspended due to liquidation
  "50012": "account-restricted", // Account status invalid
  "50027": "account-restricted", // Account restricted from trading
  "50100": "account-restricted", // API frozen
};

/** Categories that say nothing about the key (OKX busy or down, or the clocks apart): it may work later as it is. */
const PASSING: ReadonlySet<OkxErrorCategory> = new Set(["unavailable", "rate-limited", "timestamp"]);

export function isPassingTrouble(category: OkxErrorCategory): boolean {
  return PASSING.has(category);
}

/** Categories worth asking again after a pause; never the ones about the key itself. */
const RETRYABLE: ReadonlySet<OkxErrorCategory> = new Set(["rate-limited", "unavailable"]);

export function categoryOfCode(code: string): OkxErrorCategory {
  return CATEGORY_BY_CODE[code] ?? "unknown";
}

export interface OkxErrorDetails {
  /** OKX's own code, or `NETWORK`, `TIMEOUT`, `HTTP_<status>`, `BAD_RESPONSE`, `INVALID_PARAMS` for failures of our own. */
  code: string;
  message: string;
  httpStatus?: number;
  category?: OkxErrorCategory;
  cause?: unknown;
}

/** An OKX request that failed. The message never carries a key, secret or passphrase. */
export class OkxError extends Error {
  override readonly name = "OkxError";
  readonly code: string;
  readonly category: OkxErrorCategory;
  readonly httpStatus: number | undefined;

  constructor(details: OkxErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.category = details.category ?? categoryOfCode(details.code);
    this.httpStatus = details.httpStatus;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.category);
  }
}
