import type { Redis } from "ioredis";
import type { OkxCredentials } from "../../src/domain/api-key.js";
import { OkxClient, type OkxClientOptions } from "../../src/okx/client.js";
import { createAccountLimiter, type RequestScheduler } from "../../src/okx/limiter.js";
import { okxTimestamp, sign } from "../../src/okx/sign.js";
import { startFakeOkx, type BeforeReading, type FakeOkx, type FakeOkxAccount } from "./fake-okx/index.js";

export interface OkxHarness {
  fake: FakeOkx;
  client: OkxClient;
  scheduler: RequestScheduler;
  close(): Promise<void>;
}

export interface HarnessOptions {
  redis: Redis;
  prefix: string;
  accounts: FakeOkxAccount[];
  /** The same window for the fake and the limiter: scaled down, tests run fast. */
  windowMs?: number;
  beforeReading?: BeforeReading;
  client?: Partial<OkxClientOptions>;
}

/** The fake OKX, a limiter on real Redis and a client pointed at the fake: the production path. */
export async function startOkxHarness(options: HarnessOptions): Promise<OkxHarness> {
  const windowMs = options.windowMs ?? 2000;
  const fake = await startFakeOkx({ accounts: options.accounts, windowMs, beforeReading: options.beforeReading });
  const scheduler = createAccountLimiter({ redis: options.redis.duplicate(), prefix: options.prefix, windowMs });
  const client = new OkxClient({ urls: fake.urls, scheduler, backoffBaseMs: 20, backoffMaxMs: 200, ...options.client });
  return {
    fake,
    client,
    scheduler,
    async close() {
      await scheduler.close();
      await fake.close();
    },
  };
}

export function credentialsOf(account: FakeOkxAccount, overrides: Partial<OkxCredentials> = {}): OkxCredentials {
  return {
    apiKey: account.apiKey,
    secret: account.secret,
    passphrase: account.passphrase,
    demo: account.demo,
    region: account.region,
    ...overrides,
  };
}

/** A signed GET straight to the fake's global region, past the client: OKX's answer as sent. */
export async function rawGet(harness: OkxHarness, account: FakeOkxAccount, requestPath: string) {
  const timestamp = okxTimestamp(Date.now());
  const response = await fetch(harness.fake.urls.global + requestPath, {
    headers: {
      "OK-ACCESS-KEY": account.apiKey,
      "OK-ACCESS-SIGN": sign(account.secret, timestamp, "GET", requestPath),
      "OK-ACCESS-TIMESTAMP": timestamp,
      "OK-ACCESS-PASSPHRASE": account.passphrase,
    },
  });
  return { status: response.status, body: (await response.json()) as { code: string; msg: string; data?: unknown[] } };
}
