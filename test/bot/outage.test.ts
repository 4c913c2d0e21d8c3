import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBalancer, type Balancer } from "../support/balancer.js";
import { startBotProcess, type BotProcess } from "../support/bot-process.js";
import { chatWith } from "../support/chat.js";
import { fakeAccount, startFakeOkx, type FakeOkx } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import { startRedis, type RedisInstance } from "../support/redis-server.js";

const alice = fakeAccount({ name: "alice", hours: 24 });

type Mode = "long polling" | "webhook";

// Stalls a private Redis with SIGSTOP, which an external REDIS_URL does not allow. The same fault in both modes:
// grammY calls `bot.catch` only in its own polling loop, so the webhook is where an error boundary goes missing.
describe.skipIf(process.env.REDIS_URL !== undefined).each<Mode>(["long polling", "webhook"])("a Redis outage (%s)", (mode) => {
  let redis: RedisInstance;
  let okx: FakeOkx;
  let telegram: FakeTelegram;
  let balancer: Balancer | undefined;
  let bot: BotProcess;
  /*
   * In webhook mode the chat's lock is a `SET NX PX 15000` that the stalled Redis runs once it wakes up, after
   * the bot has given up on it: nobody releases it, so the chat's next update waits for it to lapse.
   */
  const afterStall = mode === "webhook" ? 25_000 : 10_000;

  beforeAll(async () => {
    redis = await startRedis({});
    okx = await startFakeOkx({ accounts: [alice] });
    telegram = await startFakeTelegram();
    const env: Record<string, string> = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OKX_BASE_URL: okx.urls.global,
      REDIS_URL: redis.url,
      ENCRYPTION_KEYS: `k:${randomBytes(32).toString("base64")}`,
    };
    if (mode === "webhook") {
      balancer = await startBalancer();
      Object.assign(env, { WEBHOOK_URL: `${balancer.url}/telegram/updates`, WEBHOOK_SECRET: "outage-test-secret" });
    }
    bot = await startBotProcess(env);
    balancer?.setTargets([bot.httpUrl]);
  }, 30_000);

  afterAll(async () => {
    if (redis?.pid !== undefined) process.kill(redis.pid, "SIGCONT");
    await bot?.stop();
    await balancer?.close();
    await telegram?.close();
    await okx?.close();
    await redis?.stop();
  });

  const stall = () => process.kill(redis.pid!, "SIGSTOP");
  const resume = () => process.kill(redis.pid!, "SIGCONT");

  it("gets a plain answer, deletes every secret sent meanwhile, loses no stored key, and carries on when Redis is back", async () => {
    const chat = chatWith(telegram, telegram.user(7001, { first_name: "Ann" }));
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send(alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    await bot.handled(2); // the conversation has saved its state, not only answered

    stall();
    const lostSecret = chat.send(alice.secret);
    await chat.expect(/briefly unavailable \(storage\)\. Nothing you stored was lost/, 15_000);
    resume();
    // The secret did not linger in the chat, and the conversation is where it was.
    expect(telegram.isDeleted(chat.user.id, lostSecret.message_id)).toBe(true);
    chat.send(alice.secret);
    await chat.expect(/Step 3 of 4/, afterStall);
    await bot.handled(4);

    // A passphrase looks like nothing in particular: it goes because the step cannot be known while Redis is away.
    stall();
    const lostPassphrase = chat.send(alice.passphrase);
    await chat.expect(/briefly unavailable \(storage\)/, 15_000);
    resume();
    expect(telegram.isDeleted(chat.user.id, lostPassphrase.message_id)).toBe(true);
    chat.send(alice.passphrase);
    chat.press(await chat.expect(/Step 4 of 4/, afterStall), /Live/);
    await chat.expect(/Connected: “alice-readonly”/);
    await bot.handled(7); // /connect, key, the lost secret, secret, the lost passphrase, passphrase, Live

    stall();
    const status = chat.send("/status");
    await chat.expect(/briefly unavailable \(storage\)/, 15_000);
    const notReady = await fetch(`${bot.httpUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: "unavailable", checks: { telegram: "ok" } });
    expect((await fetch(`${bot.httpUrl}/healthz`)).status).toBe(200);
    resume();
    // A command is kept: it cannot be a passphrase OKX accepts.
    expect(telegram.isDeleted(chat.user.id, status.message_id)).toBe(false);
    chat.send("/status");
    await chat.expect(/🔑 .* “alice-readonly”/, afterStall);
    expect(bot.child.exitCode).toBeNull();
    // Each failure logged once, by the boundary.
    expect(bot.logs().filter((line) => String(line.msg).startsWith("update failed"))).toHaveLength(3);
  }, 150_000);
});
