import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotProcess, type BotProcess } from "../support/bot-process.js";
import { chatWith } from "../support/chat.js";
import { fakeAccount, startFakeOkx, type FakeOkx } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram.js";
import { startRedis, type RedisInstance } from "../support/redis-server.js";

const alice = fakeAccount({ name: "alice", hours: 24 });
let redis: RedisInstance;
let okx: FakeOkx;
let telegram: FakeTelegram;
let bot: BotProcess;

// Stalls a private Redis with SIGSTOP, which an external REDIS_URL does not allow.
describe.skipIf(process.env.REDIS_URL !== undefined)("a Redis outage", () => {
  beforeAll(async () => {
    redis = await startRedis({});
    okx = await startFakeOkx({ accounts: [alice] });
    telegram = await startFakeTelegram();
    bot = await startBotProcess({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OKX_BASE_URL: okx.urls.global,
      REDIS_URL: redis.url,
      ENCRYPTION_KEYS: `k:${randomBytes(32).toString("base64")}`,
    });
  }, 30_000);

  afterAll(async () => {
    if (redis?.pid !== undefined) process.kill(redis.pid, "SIGCONT");
    await bot?.stop();
    await telegram?.close();
    await okx?.close();
    await redis?.stop();
  });

  const stall = () => process.kill(redis.pid!, "SIGSTOP");
  const resume = () => process.kill(redis.pid!, "SIGCONT");

  it("gets a plain answer, loses no stored key, and the bot carries on when Redis is back", async () => {
    const chat = chatWith(telegram, telegram.user(7001, { first_name: "Ann" }));
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send(alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    await bot.handled(2); // the conversation has saved its state, not only answered

    stall();
    const lost = chat.send(alice.secret);
    await chat.expect(/briefly unavailable \(storage\)\. Nothing you stored was lost/, 15_000);
    resume();

    // The secret did not linger in the chat, and the conversation is where it was.
    expect(telegram.isDeleted(chat.user.id, lost.message_id)).toBe(true);
    chat.send(alice.secret);
    await chat.expect(/Step 3 of 4/);
    chat.send(alice.passphrase);
    chat.press(await chat.expect(/Step 4 of 4/), /Live/);
    await chat.expect(/Connected: “alice-readonly”/);
    await bot.handled(6); // /connect, key, the lost secret, secret, passphrase, Live

    stall();
    chat.send("/status");
    await chat.expect(/briefly unavailable \(storage\)/, 15_000);
    const notReady = await fetch(`${bot.httpUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: "unavailable", checks: { telegram: "ok" } });
    expect((await fetch(`${bot.httpUrl}/healthz`)).status).toBe(200);
    resume();
    chat.send("/status");
    await chat.expect(/🔑 .* “alice-readonly”/);
    expect(bot.child.exitCode).toBeNull();
  }, 60_000);
});
