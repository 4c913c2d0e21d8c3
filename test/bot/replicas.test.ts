import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { startBalancer, type Balancer } from "../support/balancer.js";
import { startBotProcess, type BotProcess } from "../support/bot-process.js";
import { chatWith, type ChatDriver } from "../support/chat.js";
import { connect, historyLoaded } from "../support/e2e.js";
import { fakeAccount, startFakeOkx, type FakeOkx } from "../support/fake-okx/index.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";

const now = Date.now();
const accounts = {
  wendy: fakeAccount({ name: "wendy", endTs: now, hours: 24 * 3 }),
  // One account whose key two people of a team connected: its OKX limit is shared by both replicas.
  team: fakeAccount({ name: "team", endTs: now, hours: 24 * 20 }),
  xena: fakeAccount({ name: "xena", endTs: now, hours: 24 * 3 }),
};
const STRANGER = 6_666;
const MEMBERS = [5_001, 5_002, 5_003, 5_004, 5_005, 5_006];
const SECRET = "replica-test-secret";

let okx: FakeOkx;
let telegram: FakeTelegram;
let balancer: Balancer;
let redis: Redis;
let replicas: BotProcess[];
let env: Record<string, string>;
let prefix: string;

const chatFor = (id: number) => chatWith(telegram, telegram.user(id, { first_name: "Member", language_code: "en" }));
const updatesOf = (replica: BotProcess, chatId: number) => replica.logs().filter((line) => line.msg === "update" && line.chat === chatId).length;

beforeAll(async () => {
  okx = await startFakeOkx({ accounts: Object.values(accounts) });
  telegram = await startFakeTelegram();
  balancer = await startBalancer();
  prefix = `rep${randomBytes(3).toString("hex")}:`;
  redis = new Redis(inject("redisUrl"));
  env = {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OKX_BASE_URL: okx.urls.global,
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: prefix,
    ENCRYPTION_KEYS: `rep:${randomBytes(32).toString("base64")}`,
    WEBHOOK_URL: `${balancer.url}/telegram/updates`,
    WEBHOOK_SECRET: SECRET,
    ALLOWED_USER_IDS: MEMBERS.join(","),
  };
  replicas = await Promise.all([startBotProcess(env), startBotProcess(env)]);
  balancer.setTargets(replicas.map((replica) => replica.httpUrl));
}, 30_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await balancer?.close();
  await telegram?.close();
  await okx?.close();
  const keys = await redis.keys(`*${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis?.quit();
});

/** Posts an update straight to one replica's webhook, as Telegram does, which also performs a call its answer carries. */
async function post(replica: BotProcess, body: unknown, secret = SECRET) {
  const response = await fetch(`${replica.httpUrl}/telegram/updates`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify(body),
  });
  telegram.runWebhookAnswer(await response.text());
  return response;
}

describe("two replicas in webhook mode behind a load balancer", () => {
  it("registers the webhook with its secret token", async () => {
    const info = (await (await fetch(`${telegram.apiRoot}/bot${telegram.token}/getWebhookInfo`)).json()) as { result: { url: string } };
    expect(info.result.url).toBe(env.WEBHOOK_URL);
    expect((await post(replicas[0]!, { update_id: 1 }, "wrong")).status).toBe(401);
    expect((await fetch(`${replicas[0]!.httpUrl}/telegram/updates`)).status).toBe(405);
    expect((await post(replicas[0]!, "not an update")).status).toBe(400);
  });

  it("continues a conversation started on one replica on the other", async () => {
    const chat = chatFor(MEMBERS[0]!);
    await connect(chat, accounts.wendy);
    // /connect took five updates; the balancer alternates, so both replicas took part.
    expect(updatesOf(replicas[0]!, chat.user.id)).toBeGreaterThan(0);
    expect(updatesOf(replicas[1]!, chat.user.id)).toBeGreaterThan(0);
    chat.send("/status");
    await chat.expect(/wendy-readonly/);
  });

  it("handles an update once, whichever replicas it reaches and however often", async () => {
    const chat = chatFor(MEMBERS[1]!);
    chat.send("/start");
    await chat.expect(/Hi!/);
    const update = {
      update_id: 900_000_001,
      message: {
        message_id: 99,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chat.user.id, type: "private", first_name: "Member" },
        from: chat.user,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    const answers = await Promise.all([post(replicas[0]!, update), post(replicas[1]!, update), post(replicas[0]!, update)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await chat.expect(/What I do/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.transcript().filter((text) => /What I do/.test(text))).toHaveLength(1);
    // The answer to /help rode in the webhook's HTTP answer: no request of the bot's own.
    const help = telegram.calls("sendMessage").filter((call) => call.params.chat_id === chat.user.id && /What I do/.test(String(call.params.text)));
    expect(help.map((call) => call.fromWebhookAnswer)).toEqual([true]);
  });

  it("keeps one OKX account under its limit while both replicas fetch its history", async () => {
    const first = chatFor(MEMBERS[2]!);
    const second = chatFor(MEMBERS[3]!);
    await connect(first, accounts.team);
    await connect(second, accounts.team);
    const before = okx.servedAt(accounts.team.uid, INTEREST_ACCRUED_PATH).length;
    const routedBefore = balancer.routed.length;
    first.send("/interest 30d");
    second.send("/interest 30d");
    await Promise.all([first.expect(/interest · last 30 days/, 60_000), second.expect(/interest · last 30 days/, 60_000)]);
    // The two questions went to different replicas; one walk of the account's history served both.
    const [one, two] = balancer.routed.slice(routedBefore, routedBefore + 2);
    expect(one).not.toBe(two);
    expect(okx.servedAt(accounts.team.uid, INTEREST_ACCRUED_PATH).length - before).toBeGreaterThan(10);
    expect(okx.busiestWindow(accounts.team.uid, INTEREST_ACCRUED_PATH, 2_000)).toBeLessThanOrEqual(5);
    expect(okx.stats.byCode["50011"]).toBeUndefined();
  }, 90_000);

  it("refuses people who are not on the allow-list politely, storing nothing about them", async () => {
    const stranger = chatFor(STRANGER);
    stranger.send("/start");
    await stranger.expect(/private to its team/);
    stranger.send("/connect");
    await stranger.expect(/private to its team/);
    const keys = await redis.keys(`*${prefix}*`);
    expect(keys.filter((key) => key.includes(String(STRANGER)))).toEqual([]);
  });

  it("slows down a user who floods it, across both replicas, with one note", async () => {
    const chat: ChatDriver = chatFor(MEMBERS[4]!);
    for (let i = 0; i < 26; i++) chat.send("/help");
    await chat.expect(/That is a lot of messages at once\. I will answer again in 10 seconds/, 20_000);
    const deadline = Date.now() + 20_000;
    while (updatesOf(replicas[0]!, chat.user.id) + updatesOf(replicas[1]!, chat.user.id) < 26 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const transcript = chat.transcript();
    expect(transcript.filter((text) => /What I do/.test(text))).toHaveLength(20);
    expect(transcript.filter((text) => /lot of messages/.test(text))).toHaveLength(1);
  }, 45_000);

  it("finishes the request in flight on SIGTERM, exits 0, and the other replica takes what comes next", async () => {
    const chat = chatFor(MEMBERS[5]!);
    await connect(chat, accounts.xena);
    // The slow answer is the question's own, not a page of the walk that connecting started.
    await historyLoaded(okx, accounts.xena.uid);
    okx.inject({ kind: "slow", ms: 2_500 }, 1);
    const routedBefore = balancer.routed.length;
    chat.send("/interest 24h");
    await chat.expect(/Loading|Fetching|⏳/);
    // The webhook answers once it has waited for a reply to carry; the balancer notes the replica then.
    while (balancer.routed.length === routedBefore) await new Promise((resolve) => setTimeout(resolve, 10));
    const busy = replicas.find((replica) => replica.httpUrl === balancer.routed[routedBefore])!;
    const other = replicas.find((replica) => replica !== busy)!;
    const exited = busy.stop("SIGTERM");
    chat.send("/help");
    await chat.expect(/What I do/);
    await chat.expect(/interest · last 24 hours/, 20_000);
    expect(await exited).toBe(0);
    expect(busy.logs().some((line) => line.msg === "stopped")).toBe(true);
    expect(updatesOf(other, chat.user.id)).toBeGreaterThan(0);
    // The survivor carries on alone.
    chat.send("/status");
    await chat.expect(/xena-readonly/);
    replicas = [other, await startBotProcess(env)];
    balancer.setTargets(replicas.map((replica) => replica.httpUrl));
  }, 45_000);
});
