import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createI18n } from "../../src/bot/i18n.js";
import type { Translate } from "../../src/domain/translate.js";
import { HistoryLoader } from "../../src/services/history.js";
import { InterestService } from "../../src/services/interest.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import type { PreferenceStore } from "../../src/store/preferences.js";
import { Vault } from "../../src/store/vault.js";
import type { FakeOkxAccount } from "./fake-okx/index.js";
import { credentialsOf, startOkxHarness, type OkxHarness } from "./okx-harness.js";
import { testRedis } from "./redis.js";

export interface ServiceOptions {
  /** The service's and its walks' clock. */
  now?: () => number;
  /** How far back records are kept, ms. */
  keepMs?: number;
}

/**
 * The interest service as the bot builds it, on real Redis and the fake OKX, for one Telegram user (`user`)
 * connected to `account`, with every log line kept. `harness.close()` stops the fake OKX.
 */
export async function startService(account: FakeOkxAccount, user: number, options: ServiceOptions = {}) {
  const { redis, prefix } = testRedis();
  const harness: OkxHarness = await startOkxHarness({ redis, prefix, accounts: [account], windowMs: 40 });
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const credentials = new CredentialStore(redis, new Vault([{ id: "k1", key: randomBytes(32) }]), prefix);
  await credentials.save(user, credentialsOf(account), {
    uid: account.uid,
    label: account.label,
    permissions: ["read_only"],
    region: "global",
    demo: false,
    connectedAt: Date.now(),
  });
  const cache = new InterestCache(redis, prefix);
  const { now, keepMs } = options;
  const history = new HistoryLoader(harness.client, cache, { pollMs: 20, ...(now === undefined ? {} : { now }), keepMs });
  const service = new InterestService({ credentials, cache, history, logger: pino({ level: "info" }, sink), now, keepMs });
  return { service, lines, cache, history, harness };
}

const i18n = createI18n({} as PreferenceStore);

/** The bot's words in one language. */
export const translate =
  (locale: string): Translate =>
  (key, variables) =>
    i18n.t(locale, key, variables);
