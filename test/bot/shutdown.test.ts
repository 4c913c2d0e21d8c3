import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBalancer, type Balancer } from "../support/balancer.js";
import { startBotProcess, type BotProcess } from "../support/bot-process.js";
import { chatWith, type ChatDriver } from "../support/chat.js";
import { connect, giveKey, historyLoaded } from "../support/e2e.js";
import { fakeAccount, startFakeOkx, type FakeOkx, type FakeOkxAccount } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";

const now = Date.now();
const accounts = {
  asking: fakeAccount({ name: "asking", endTs: now, hours: 24 * 3 }),
  connecting: fakeAccount({ name: "connecting", endTs: now, hours: 24 * 3 }),
  hooked: fakeAccount({ name: "hooked", endTs: now, hours: 24 * 3 }),
  pressing: fakeAccount({ name: "pressing", endTs: now, hours: 24 * 3 }),
};

let okx: FakeOkx;
let telegram: FakeTelegram;
let redis: Redis;
let nextUser = 7_100;
const prefixes: string[] = [];

beforeAll(async () => {
  okx = await startFakeOkx({ accounts: Object.values(accounts) });
  telegram = await startFakeTelegram();
  redis = new Redis(inject("redisUrl"));
}, 30_000);

afterAll(async () => {
  await telegram?.close();
  await okx?.close();
  for (const prefix of prefixes) {
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis?.quit();
});

function environment(extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `sd${randomBytes(3).toString("hex")}:`;
  prefixes.push(prefix);
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OKX_BASE_URL: okx.urls.global,
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: prefix,
    ENCRYPTION_KEYS: `sd:${randomBytes(32).toString("base64")}`,
    SHUTDOWN_TIMEOUT_MS: "15000",
    ...extra,
  };
}

const newChat = (): ChatDriver => chatWith(telegram, telegram.user(nextUser++, { first_name: "Trader", language_code: "en" }));
const failures = (bot: BotProcess) =>
  bot
    .logs()
    .filter((line) => /failed|limiter has been stopped/.test(String(line.msg)) || /limiter has been stopped/.test(JSON.stringify(line.err ?? "")));

/** A slow `/interest` is under way when SIGTERM comes: it is answered, and the process then exits 0. */
async function interestThroughStop(bot: BotProcess, chat: ChatDriver, account: FakeOkxAccount): Promise<void> {
  await connect(chat, account);
  await historyLoaded(okx, account.uid);
  okx.inject({ kind: "slow", ms: 3_000 }, 1);
  chat.send("/interest 24h");
  await chat.expect(/Asking OKX/);
  // The question's request has reached the fake OKX, which holds it.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const exited = bot.stop("SIGTERM");
  await chat.expect(/interest · last 24 hours/, 20_000);
  expect(await exited).toBe(0);
  expect(bot.logs().some((line) => line.msg === "stopped")).toBe(true);
  expect(failures(bot)).toEqual([]);
  expect(chat.transcript().filter((text) => /Something went wrong|Asking OKX|Loading/.test(text))).toEqual([]);
}

/** A press of Demo is being checked with OKX when SIGTERM comes: the key is stored and /connect ends. */
async function pressThroughStop(bot: BotProcess, chat: ChatDriver, account: FakeOkxAccount): Promise<void> {
  chat.send("/connect");
  const question = await giveKey(chat, account);
  // The key check's first request (the account's configuration) is slow.
  okx.inject({ kind: "slow", ms: 3_000 }, 1);
  chat.press(question, account.demo ? /Demo/ : /Live/);
  await chat.expect(/Checking the key with OKX/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = bot.stop("SIGTERM");
  await chat.expect(/Connected:/, 20_000);
  expect(await exited).toBe(0);
  expect(failures(bot)).toEqual([]);
}

describe("SIGTERM in long-polling mode", () => {
  let bot: BotProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = environment();
    bot = await startBotProcess(env);
  }, 30_000);
  afterAll(async () => {
    await bot?.stop();
  });

  it("finishes a slow /interest before closing the OKX limiter and Redis, and the next process does not answer it again", async () => {
    const chat = newChat();
    await interestThroughStop(bot, chat, accounts.asking);
    bot = await startBotProcess(env);
    chat.send("/status");
    await chat.expect(/asking-readonly/);
    // The updates the stopped process handled were confirmed to Telegram: none came again.
    expect(chat.transcript().filter((text) => /interest · last 24 hours/.test(text))).toHaveLength(1);
  }, 60_000);

  it("finishes the key check of a Live/Demo press, so /connect is not left stuck", async () => {
    const chat = newChat();
    await pressThroughStop(bot, chat, accounts.connecting);
    bot = await startBotProcess(env);
    chat.send("/status");
    await chat.expect(/connecting-readonly/);
    chat.send("/help");
    await chat.expect(/What I do/);
  }, 60_000);
});

describe("SIGTERM in webhook mode", () => {
  let balancer: Balancer;
  let bot: BotProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    balancer = await startBalancer();
    env = environment({ WEBHOOK_URL: `${balancer.url}/telegram/updates`, WEBHOOK_SECRET: "shutdown-secret" });
    bot = await startBotProcess(env);
    balancer.setTargets([bot.httpUrl]);
  }, 30_000);
  afterAll(async () => {
    await bot?.stop();
    await balancer?.close();
  });

  async function restart() {
    bot = await startBotProcess(env);
    balancer.setTargets([bot.httpUrl]);
  }

  it("finishes a slow /interest before closing the OKX limiter and Redis", async () => {
    await interestThroughStop(bot, newChat(), accounts.hooked);
    await restart();
  }, 60_000);

  it("finishes the key check of a Live/Demo press", async () => {
    const chat = newChat();
    await pressThroughStop(bot, chat, accounts.pressing);
    await restart();
    chat.send("/status");
    await chat.expect(/pressing-readonly/);
  }, 60_000);
});
