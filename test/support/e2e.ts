import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { DIGEST_QUEUE } from "../../src/digest/schedule.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { startBotProcess, type BotProcess } from "./bot-process.js";
import { chatWith, type ChatDriver } from "./chat.js";
import { startFakeOkx, type FakeOkx, type FakeOkxAccount, type FakeOkxOptions } from "./fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram, type StoredMessage } from "./fake-telegram/index.js";

/** The bot process against the fake Bot API, the fake OKX and the run's Redis, under a prefix of its own. */
export interface EndToEnd {
  okx: FakeOkx;
  telegram: FakeTelegram;
  bot: BotProcess;
  redis: Redis;
  prefix: string;
  env: Record<string, string>;
  newChat(languageCode?: string): ChatDriver;
  /** `historyLoaded` on this harness's fake OKX. */
  historyLoaded(uid: string, timeoutMs?: number): Promise<void>;
  /** Stops the bot process (SIGTERM) and starts a new one on the same state; resolves with the old one's exit code. */
  restart(): Promise<number | null>;
  close(): Promise<void>;
}

/** The bot's digest queue (or another of its queues) as BullMQ sees it under the harness's prefix, for tests to read and add jobs. */
export function digestQueueOf(harness: EndToEnd, name = DIGEST_QUEUE): Queue {
  return new Queue(name, { connection: harness.redis.duplicate({ maxRetriesPerRequest: null }), prefix: `${harness.prefix}bull` });
}

/** Empties a queue and closes it. */
export async function disposeQueue(queue: Queue | undefined): Promise<void> {
  await queue?.obliterate({ force: true });
  await queue?.close();
}

let nextUserId = 1000;
const QUIET_MS = 1_500;

export async function startEndToEnd(
  redisUrl: string,
  accounts: FakeOkxAccount[],
  extraEnv: Record<string, string> = {},
  okxOptions: Omit<FakeOkxOptions, "accounts"> = {},
): Promise<EndToEnd> {
  const okx = await startFakeOkx({ ...okxOptions, accounts });
  const telegram = await startFakeTelegram();
  const prefix = `e2e${randomBytes(3).toString("hex")}:`;
  const env = {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OKX_BASE_URL: okx.urls.global,
    OKX_EEA_BASE_URL: okx.urls.eea,
    OKX_US_BASE_URL: okx.urls.us,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ENCRYPTION_KEYS: `e2e:${randomBytes(32).toString("base64")}`,
    ...extraEnv,
  };
  const harness: EndToEnd = {
    okx,
    telegram,
    bot: await startBotProcess(env),
    redis: new Redis(redisUrl),
    prefix,
    env,
    historyLoaded: (uid, timeoutMs) => historyLoaded(okx, uid, timeoutMs),
    newChat: (languageCode = "en") => chatWith(telegram, telegram.user(nextUserId++, { first_name: "Trader", language_code: languageCode })),
    async restart() {
      const code = await harness.bot.stop("SIGTERM");
      harness.bot = await startBotProcess(env);
      return code;
    },
    async close() {
      await harness.bot.stop();
      await telegram.close();
      await okx.close();
      await harness.redis.quit();
    },
  };
  return harness;
}

/**
 * Resolves once an account's history walk is over: no request of it reached the fake OKX for a while (a
 * walk pages every 416 ms). Connecting starts one, whose pages would otherwise mix with a test's own.
 */
export async function historyLoaded(okx: FakeOkx, uid: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = okx.servedAt(uid, INTEREST_ACCRUED_PATH).at(-1) ?? 0;
    if (Date.now() - last > QUIET_MS) return;
    if (Date.now() > deadline) throw new Error(`the history walk of ${uid} is still paging after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends the three secrets in answer to /connect's questions; returns the live-or-demo question. */
export async function giveKey(chat: ChatDriver, account: FakeOkxAccount): Promise<StoredMessage> {
  await chat.expect(/Step 1 of 4/);
  chat.send(account.apiKey);
  await chat.expect(/Step 2 of 4/);
  chat.send(account.secret);
  await chat.expect(/Step 3 of 4/);
  chat.send(account.passphrase);
  return chat.expect(/Step 4 of 4 · Is this key for live trading or demo trading/);
}

/** A whole successful /connect. */
export async function connect(chat: ChatDriver, account: FakeOkxAccount): Promise<void> {
  chat.send("/connect");
  chat.press(await giveKey(chat, account), account.demo ? /Demo/ : /Live/);
  await chat.expect(/Connected:|Added:/);
}

/** Resolves once `check` comes true, polling every 50 ms; throws after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the condition did not come true in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
