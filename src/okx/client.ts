import { setTimeout as sleep } from "node:timers/promises";
import { OkxError } from "./errors.js";
import type { OkxCredentials, Region } from "../domain/api-key.js";
import type { Priority } from "../domain/priority.js";
import type { RequestScheduler } from "./limiter.js";
import type { RegionUrls } from "./regions.js";
import { okxTimestamp, queryString, sign } from "./sign.js";

export interface RequestOptions {
  /** The limiter key: the OKX account UID, or a stand-in while it is not known yet. */
  account: string;
  priority: Priority;
}

export interface OkxClientOptions {
  urls: RegionUrls;
  scheduler: RequestScheduler;
  timeoutMs?: number;
  /** Further attempts after the first, for failures worth retrying. */
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  now?: () => number;
  random?: () => number;
  /** Told of every answer (OKX's code, or NETWORK, TIMEOUT, HTTP_<status>, BAD_RESPONSE), for metrics. */
  onAnswer?: (path: string, code: string) => void;
}

interface OkxEnvelope {
  code?: unknown;
  msg?: unknown;
  data?: unknown;
}

/** Signs, sends and retries OKX v5 REST requests; every request of an account passes its limiter. */
export class OkxClient {
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  /** OKX's clock minus ours, per region, once a request was refused for an expired timestamp. */
  private readonly clockOffsetMs = new Map<Region, number>();

  constructor(private readonly options: OkxClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.backoffMaxMs = options.backoffMaxMs ?? 4_000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** A signed GET; resolves to OKX's `data` array. */
  async privateGet(
    credentials: OkxCredentials,
    path: string,
    params: Readonly<Record<string, string | undefined>>,
    options: RequestOptions,
  ): Promise<unknown[]> {
    const requestPath = path + queryString(params);
    let clockSynced = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.scheduler.schedule(options.account, options.priority, () => this.send(credentials, requestPath));
      } catch (error) {
        if (!(error instanceof OkxError)) throw error;
        if (error.category === "timestamp" && error.code === "50102" && !clockSynced) {
          clockSynced = true;
          await this.syncClock(credentials.region);
          continue;
        }
        if (!error.retryable || attempt >= this.maxRetries) throw error;
        await sleep(this.backoffMs(attempt));
      }
    }
  }

  /** OKX's time minus ours, measured at the middle of a `GET /api/v5/public/time`. */
  async syncClock(region: Region): Promise<number> {
    const sentAt = this.now();
    const [entry] = await this.fetchEnvelope(region, "/api/v5/public/time", {});
    const receivedAt = this.now();
    const serverTs = Number((entry as { ts?: unknown } | undefined)?.ts);
    if (!Number.isFinite(serverTs)) {
      throw new OkxError({ code: "BAD_RESPONSE", category: "bad-response", message: "OKX answered the time request without a time" });
    }
    const offset = Math.round(serverTs - (sentAt + receivedAt) / 2);
    this.clockOffsetMs.set(region, offset);
    return offset;
  }

  /** Full jitter: a random pause up to an exponentially growing ceiling. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private send(credentials: OkxCredentials, requestPath: string): Promise<unknown[]> {
    const timestamp = okxTimestamp(this.now() + (this.clockOffsetMs.get(credentials.region) ?? 0));
    const headers: Record<string, string> = {
      "OK-ACCESS-KEY": credentials.apiKey,
      "OK-ACCESS-SIGN": sign(credentials.secret, timestamp, "GET", requestPath),
      "OK-ACCESS-TIMESTAMP": timestamp,
      "OK-ACCESS-PASSPHRASE": credentials.passphrase,
    };
    if (credentials.demo) headers["x-simulated-trading"] = "1";
    return this.fetchEnvelope(credentials.region, requestPath, headers);
  }

  private async fetchEnvelope(region: Region, requestPath: string, headers: Record<string, string>): Promise<unknown[]> {
    try {
      const data = await this.exchange(region, requestPath, headers);
      this.options.onAnswer?.(requestPath.split("?")[0]!, "0");
      return data;
    } catch (error) {
      if (error instanceof OkxError) this.options.onAnswer?.(requestPath.split("?")[0]!, error.code);
      throw error;
    }
  }

  private async exchange(region: Region, requestPath: string, headers: Record<string, string>): Promise<unknown[]> {
    const url = this.options.urls[region] + requestPath;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: "GET",
        headers: { accept: "application/json", ...headers },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
      throw new OkxError({
        code: timedOut ? "TIMEOUT" : "NETWORK",
        category: "unavailable",
        message: timedOut ? `OKX did not answer within ${this.timeoutMs} ms` : "Could not reach OKX",
        cause,
      });
    }
    const envelope = parseEnvelope(text);
    const code = typeof envelope?.code === "string" || typeof envelope?.code === "number" ? String(envelope.code) : undefined;
    if (code === "0" && response.ok && Array.isArray(envelope?.data)) return envelope.data as unknown[];
    if (code !== undefined && code !== "0") {
      const message = typeof envelope?.msg === "string" && envelope.msg !== "" ? envelope.msg : `OKX error ${code}`;
      throw new OkxError({ code, message, httpStatus: response.status });
    }
    if (response.status >= 500 || response.status === 429) {
      throw new OkxError({
        code: `HTTP_${response.status}`,
        category: response.status === 429 ? "rate-limited" : "unavailable",
        message: `OKX answered HTTP ${response.status}`,
        httpStatus: response.status,
      });
    }
    throw new OkxError({
      code: "BAD_RESPONSE",
      category: "bad-response",
      message: `OKX answered HTTP ${response.status} with an unexpected body`,
      httpStatus: response.status,
    });
  }
}

function parseEnvelope(text: string): OkxEnvelope | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
