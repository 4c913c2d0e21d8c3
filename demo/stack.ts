import { devNull } from "node:os";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { DIGEST_QUEUE } from "../src/digest/schedule.js";
import { startEndToEnd, type EndToEnd } from "../test/support/e2e.js";
import { fakeAccount, HOUR_MS, type FakeOkxAccount } from "../test/support/fake-okx/index.js";
import { ALERT_QUEUE } from "../src/alerts/schedule.js";
import { spikeNextHour, SPIKE_FACTOR } from "./spike.js";
import { startRedis, type RedisInstance } from "../test/support/redis-server.js";

/** A demo-trading, read-only key with a year of hourly accruals in three currencies, ending now: the main account. */
export function demoAccount(): FakeOkxAccount {
  // Its newest hour is the one before the clock's, so `/demo-spike` can add the hour under way.
  return fakeAccount({ name: "demo", demo: true, label: "demo-readonly", hours: 365 * 24, endTs: Date.now() - HOUR_MS });
}

/** A second demo account, a sub-account with its own key and UID, with three months of accruals. */
export function demoSubAccount(): FakeOkxAccount {
  return fakeAccount({ name: "demo-sub", demo: true, label: "demo-sub-readonly", hours: 90 * 24 });
}

export interface DemoStackOptions {
  /** A real bot's token: the bot then talks to api.telegram.org instead of the local Bot API. */
  telegramToken?: string;
  /** Where `REDIS_URL` is read from. */
  env?: NodeJS.ProcessEnv;
}

export interface DemoStack {
  e2e: EndToEnd;
  redis: RedisInstance;
  /** The main demo account, whose values the terminal sends when Enter is pressed at a step of /connect. */
  account: FakeOkxAccount;
  /** The sub-account. */
  sub: FakeOkxAccount;
  /** True when the bot talks to the real Telegram rather than the local Bot API. */
  realTelegram: boolean;
  /** Digests and alert checks the bot has queued or is at: work a step set off that is not done yet. */
  workUnderWay(): Promise<number>;
  /** `/demo-spike CCY`: the main account's next hour on the fake OKX with CCY's rate jumped, and the hour's alert check run now. */
  spike(ccy: string): Promise<string[]>;
  /** Where each piece listens, one line each. */
  describe(): string[];
  /** Stops the bot, the fakes and the Redis this demo started; erases its keys from a Redis it was given. Safe to call twice. */
  stop(): Promise<void>;
}

/** How long the bot gets to stop cleanly before it is killed: more than its own bound (`SHUTDOWN_TIMEOUT_MS`, 10 s). */
const BOT_STOP_MS = 15_000;

/**
 * Everything the demo runs: a private Redis (or `REDIS_URL`), the fake OKX with the demo account, a local Bot API
 * and the real bot process, wired by the same harness as the end-to-end tests.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const redis = await startRedis(options.env ?? process.env);
  const account = demoAccount();
  const sub = demoSubAccount();
  const realTelegram = options.telegramToken !== undefined;
  let e2e: EndToEnd;
  try {
    e2e = await startEndToEnd(redis.url, [account, sub], {
      // A .env in the working directory is for the real deployment (webhook, allow-list...), not for the demo.
      DOTENV_CONFIG_PATH: devNull,
      ...(realTelegram ? { BOT_TOKEN: options.telegramToken!, TELEGRAM_API_ROOT: "https://api.telegram.org" } : {}),
    });
  } catch (error) {
    await redis.stop();
    throw error;
  }

  // The bot's own queue, under the prefix it gives BullMQ (src/main.ts), read with a connection of the demo's.
  const queueRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  const digests = new Queue(DIGEST_QUEUE, { connection: queueRedis, prefix: `${e2e.prefix}bull` });
  const alerts = new Queue(ALERT_QUEUE, { connection: queueRedis, prefix: `${e2e.prefix}bull` });
  // A connection that fails says so where it is used (a step, stopping); retrying one on its own is no news.
  for (const emitter of [queueRedis, e2e.redis, digests, alerts]) emitter.on("error", () => {});

  let stopping: Promise<void> | undefined;
  async function stopAll(): Promise<void> {
    const killer = setTimeout(() => void e2e.bot.stop("SIGKILL"), BOT_STOP_MS);
    await e2e.bot.stop();
    clearTimeout(killer);
    await digests.close();
    await alerts.close();
    if (redis.pid === undefined) {
      // In a shared Redis, the demo's keys are all under its own prefix.
      await queueRedis.quit();
      await eraseKeys(e2e);
      await e2e.close();
    } else {
      /*
       * A Redis of one's own goes away whole, so its connections are dropped rather than closed with a QUIT. It may
       * be gone already: Ctrl-C with the output piped (`npm run demo | tee demo.log`) is a signal to every process
       * of the terminal's group, redis-server among them, and a QUIT sent as it goes would wait for ever.
       */
      queueRedis.disconnect();
      e2e.redis.disconnect();
      // What `e2e.close()` closes, but its QUIT: the bot is stopped already.
      await e2e.telegram.close();
      await e2e.okx.close();
    }
    await redis.stop();
  }

  return {
    e2e,
    redis,
    account,
    sub,
    realTelegram,
    async workUnderWay() {
      // A step still waiting when the demo stops has nothing more to wait for.
      if (stopping !== undefined) return 0;
      let under = 0;
      for (const queue of [digests, alerts]) {
        const counts = await queue.getJobCounts("waiting", "prioritized", "active");
        under += (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
      }
      return under;
    },
    async spike(ccy) {
      const outcome = spikeNextHour(account, ccy, Date.now());
      if (outcome.kind === "no-line") return [`demo · the main demo account borrows no ${ccy} in its newest hour: try USDT, BTC or ETH`];
      if (outcome.kind === "too-soon")
        return [`demo · the next hour has not begun (it does at ${new Date(outcome.next).toISOString().slice(11, 16)} UTC); spike again then`];
      // The hour's check, as the scheduler runs it five minutes past each hour, run now.
      await alerts.add("hour", { kind: "hour" }, { jobId: `demo-spike-${outcome.hour}` });
      const rates = outcome.lines.map((line) => `${line.mgnMode} ${line.instId}`.trim() + ` ${line.interestRate}/h`).join(", ");
      return [
        `demo · fake OKX: ${ccy} of ${account.label} at ${SPIKE_FACTOR}× its rate in the hour of ${new Date(outcome.hour).toISOString().slice(11, 16)} UTC (${rates})`,
        "demo · the hour's alert check runs now",
      ];
    },
    describe() {
      const { okx, telegram, bot } = e2e;
      return [
        `Redis         ${redis.url}${redis.pid === undefined ? " (REDIS_URL)" : ` (redis-server, pid ${redis.pid})`}, keys under ${e2e.prefix}`,
        `fake OKX      ${okx.urls.global} (global), ${okx.urls.eea} (EEA), ${okx.urls.us} (US)`,
        realTelegram ? "Bot API       https://api.telegram.org (BOT_TOKEN)" : `Bot API       ${telegram.apiRoot} (local, simulated chat)`,
        `bot           pid ${bot.child.pid}, ${bot.httpUrl}/healthz /readyz /metrics`,
      ];
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

async function eraseKeys(e2e: EndToEnd): Promise<void> {
  for (const pattern of [`${e2e.prefix}*`, `b_${e2e.prefix}*`]) {
    const keys = await e2e.redis.keys(pattern);
    if (keys.length > 0) await e2e.redis.del(...keys);
  }
}
