import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatWith, type ChatDriver } from "../support/chat.js";
import { startBotProcess } from "../support/bot-process.js";
import { startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount, type FakeOkx, type FakeOkxAccount } from "../support/fake-okx/index.js";
import type { FakeTelegram, StoredMessage } from "../support/fake-telegram/index.js";

const accounts = {
  alice: fakeAccount({ name: "alice", hours: 48 }),
  bob: fakeAccount({ name: "bob", demo: true, hours: 48 }),
  carol: fakeAccount({ name: "carol", region: "eea", hours: 48 }),
  dan: fakeAccount({ name: "dan", ip: "203.0.113.7", hours: 2 }),
  frank: fakeAccount({ name: "frank", perm: "read_only,trade,withdraw", hours: 2 }),
  gina: fakeAccount({ name: "gina", perm: "read_only,trade", hours: 2 }),
  hugo: fakeAccount({ name: "hugo", hours: 2 }),
  ivan: fakeAccount({ name: "ivan", hours: 2 }),
  // A passphrase may begin with "/": at a secret step it is the answer, not a command.
  sam: fakeAccount({ name: "sam", passphrase: "/Secret#1", hours: 2 }),
};

let e2e: EndToEnd;
let okx: FakeOkx;
let telegram: FakeTelegram;
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts));
  ({ okx, telegram, redis, prefix } = e2e);
}, 30_000);

afterAll(() => e2e?.close());

const newChat = (languageCode?: string) => e2e.newChat(languageCode);

/** Everything the bot wrote to Redis, as text: values of every type. */
async function redisDump(): Promise<string> {
  const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`b_${prefix}*`))];
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === "string") parts.push(key, (await redis.get(key)) ?? "");
    else if (type === "hash") parts.push(key, JSON.stringify(await redis.hgetall(key)));
    else if (type === "zset") parts.push(key, JSON.stringify(await redis.zrange(key, 0, -1, "WITHSCORES")));
    else if (type === "list") parts.push(key, JSON.stringify(await redis.lrange(key, 0, -1)));
    else parts.push(key, type);
  }
  return parts.join("\n");
}

/** No trace of any part of the key: as is, in base64 (both kinds), hex or URL-encoded. */
async function expectNoSecretsIn(account: FakeOkxAccount): Promise<void> {
  const dump = await redisDump();
  for (const value of [account.apiKey, account.secret, account.passphrase]) {
    const bytes = Buffer.from(value);
    for (const form of [value, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex"), encodeURIComponent(value)]) {
      expect(dump).not.toContain(form);
    }
  }
}

/** Sends the three secrets, checking each message is deleted and the next question comes. */
async function giveKeyCheckingDeletions(chat: ChatDriver, account: FakeOkxAccount): Promise<StoredMessage> {
  await chat.expect(/Step 1 of 4/);
  const key = chat.send(account.apiKey);
  await chat.expect(/Step 2 of 4/);
  expect(telegram.isDeleted(chat.user.id, key.message_id)).toBe(true);
  const secret = chat.send(account.secret);
  await chat.expect(/Step 3 of 4/);
  expect(telegram.isDeleted(chat.user.id, secret.message_id)).toBe(true);
  const passphrase = chat.send(account.passphrase);
  const question = await chat.expect(/Step 4 of 4 · Is this key for live trading or demo trading/);
  expect(telegram.isDeleted(chat.user.id, passphrase.message_id)).toBe(true);
  return question;
}

describe("/start and /help", () => {
  it("say what the bot does and how to begin, in the user's language", async () => {
    const chat = newChat();
    chat.send("/start");
    await chat.expect(/I show what your OKX margin loans cost you/);
    chat.send("/help");
    await chat.expect(/\/connect — link a read-only OKX API key/);
    const chinese = newChat("zh-hans");
    chinese.send("/start");
    await chinese.expect(/我帮你查看 OKX 杠杆借币付出的利息/);
  });

  it("registers the command menu in English and Chinese", () => {
    const menus = telegram.calls("setMyCommands").map((call) => call.params as { language_code?: string; commands: unknown[] });
    const english = menus.find((menu) => menu.language_code === undefined);
    const chinese = menus.find((menu) => menu.language_code === "zh");
    expect(english?.commands).toContainEqual({ command: "connect", description: "Link a read-only OKX API key" });
    expect(chinese?.commands).toContainEqual({ command: "connect", description: "绑定只读 OKX API 密钥" });
    expect(chinese?.commands).toHaveLength(english?.commands.length ?? -1);
  });
});

describe("/connect", () => {
  it("connects a key, deleting every secret, keeping none readable in Redis, then shows and erases it", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    const key = chat.send(accounts.alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send(accounts.alice.secret);
    await chat.expect(/Step 3 of 4/);
    chat.send(accounts.alice.passphrase);
    const question = await chat.expect(/Step 4 of 4/);
    await expectNoSecretsIn(accounts.alice); // in the middle: the conversation's state holds all three
    const expiresIn = await redis.pttl(`${prefix}conv:${chat.user.id}`);
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000); // an abandoned /connect is gone within minutes
    expect(telegram.isDeleted(chat.user.id, key.message_id)).toBe(true);

    chat.press(question, /Live/);
    await chat.expect(/Checking the key with OKX/);
    await chat.expect(/Connected: “alice-readonly” · live · read_only · region: OKX \(global/);
    await expectNoSecretsIn(accounts.alice);
    const said = [chat.transcript().join("\n"), JSON.stringify(e2e.bot.logs())].join("\n");
    for (const value of [accounts.alice.apiKey, accounts.alice.secret, accounts.alice.passphrase]) expect(said).not.toContain(value);
    expect(e2e.bot.logs().filter((line) => line.msg === "update").length).toBeGreaterThan(5);

    chat.send("/status");
    const status = await chat.expect(/alic••••|🔑/);
    expect(status.text).toContain(`${accounts.alice.apiKey.slice(0, 4)}••••${accounts.alice.apiKey.slice(-4)}`);
    expect(status.text).toMatch(/live · read_only · OKX \(global/);
    // On the person's clock: a zone of their own, with the year of a moment that may be long past.
    chat.send("/digest Asia/Kolkata");
    await chat.expect(/Asia\/Kolkata/);
    chat.send("/status");
    const zoned = await chat.expect(/Connected \d{1,2} \w{3} \d{4} \d{2}:\d{2} \(UTC\+5:30\)/);
    const today = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Kolkata", day: "numeric", month: "short", year: "numeric" }).format(new Date());
    expect(zoned.text).toContain(`Connected ${today}`);

    chat.send("/disconnect");
    await chat.expect(/Disconnected/);
    expect(await redis.exists(`${prefix}cred:${chat.user.id}`)).toBe(0);
    chat.send("/status");
    await chat.expect(/No OKX key is connected/);
  });

  it("asks again for just the passphrase when OKX says it is wrong", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send(accounts.hugo.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send(accounts.hugo.secret);
    await chat.expect(/Step 3 of 4/);
    chat.send("Wrong-Passphrase-1");
    chat.press(await chat.expect(/Step 4 of 4/), /Live/);
    await chat.expect(/passphrase is wrong \(50105\)/);
    const retry = chat.send(accounts.hugo.passphrase);
    await chat.expect(/Connected: “hugo-readonly”/);
    expect(telegram.isDeleted(chat.user.id, retry.message_id)).toBe(true);
  });

  it("tells a demo key chosen as live apart, and asks live or demo again", async () => {
    const chat = newChat();
    chat.send("/connect");
    chat.press(await giveKeyCheckingDeletions(chat, accounts.bob), /Live/);
    const failure = await chat.expect(/not for live trading \(50101\)/);
    chat.press(failure, /Demo/);
    await chat.expect(/Connected: “bob-readonly” · demo/);
  });

  it("finds the OKX region that knows the key and says so", async () => {
    const chat = newChat();
    chat.send("/connect");
    chat.press(await giveKeyCheckingDeletions(chat, accounts.carol), /Live/);
    await chat.expect(/belongs to OKX EEA \(eea\.okx\.com\)/);
    await chat.expect(/Connected: “carol-readonly” · live · read_only · region: OKX EEA/);
  });

  it("refuses a key that can withdraw, and stores nothing", async () => {
    const chat = newChat();
    chat.send("/connect");
    chat.press(await giveKeyCheckingDeletions(chat, accounts.frank), /Live/);
    await chat.expect(/can withdraw funds\. I will not store it/);
    expect(await redis.exists(`${prefix}cred:${chat.user.id}`)).toBe(0);
  });

  it("warns about a key that can trade and stores it only when asked to", async () => {
    const chat = newChat();
    chat.send("/connect");
    chat.press(await giveKeyCheckingDeletions(chat, accounts.gina), /Live/);
    const warning = await chat.expect(/This key can trade/);
    expect(await redis.exists(`${prefix}cred:${chat.user.id}`)).toBe(0);
    chat.press(warning, /Store it anyway/);
    await chat.expect(/Connected: “gina-readonly” · live · read_only, trade/);
  });

  it("explains an IP whitelist and stores nothing", async () => {
    const chat = newChat();
    chat.send("/connect");
    chat.press(await giveKeyCheckingDeletions(chat, accounts.dan), /Live/);
    await chat.expect(/IP addresses on its whitelist \(50110\)/);
    expect(await redis.exists(`${prefix}cred:${chat.user.id}`)).toBe(0);
  });

  it("says OKX is not answering, and stores nothing", async () => {
    const chat = newChat();
    chat.send("/connect");
    const question = await giveKeyCheckingDeletions(chat, accounts.ivan);
    okx.inject({ kind: "unavailable" }, 5);
    chat.press(question, /Live/);
    await chat.expect(/OKX is not answering right now \(50001\)/, 20_000);
    expect(await redis.exists(`${prefix}cred:${chat.user.id}`)).toBe(0);
  });

  it("answers malformed, garbage and very long values at once and asks again", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send("hello");
    await chat.expect(/That is not an OKX API key/);
    chat.send("x".repeat(4096));
    await chat.expect(/That is not an OKX API key/);
    chat.send(accounts.alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send("not-a-secret");
    await chat.expect(/That is not an OKX secret key/);
    chat.send("/cancel");
    await chat.expect(/Cancelled\. Nothing was stored/);
  });

  it("takes any text at a secret step as the answer, deleting it, and lets only /cancel alone leave", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    const help = chat.send("/help");
    await chat.expect(/That is not an OKX API key/);
    expect(telegram.isDeleted(chat.user.id, help.message_id)).toBe(true);
    chat.send(accounts.sam.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send(accounts.sam.secret);
    await chat.expect(/Step 3 of 4/);
    const notAlone = chat.send("/cancel please");
    await chat.expect(/That is not a passphrase OKX accepts/);
    expect(telegram.isDeleted(chat.user.id, notAlone.message_id)).toBe(true);
    const passphrase = chat.send(accounts.sam.passphrase);
    const question = await chat.expect(/Step 4 of 4/);
    expect(telegram.isDeleted(chat.user.id, passphrase.message_id)).toBe(true);
    expect(chat.transcript().join("\n")).not.toMatch(/What I do|did not understand/);
    chat.press(question, /Live/);
    await chat.expect(/Connected: “sam-readonly”/);
  });

  it("answers commands at the live-or-demo step and keeps waiting for the choice", async () => {
    const chat = newChat();
    chat.send("/connect");
    const question = await giveKeyCheckingDeletions(chat, accounts.alice);
    chat.send("/help");
    await chat.expect(/What I do/);
    chat.send("/connect");
    await chat.expect(/in the middle of connecting a key/);
    const stray = chat.send("live please");
    await chat.expect(/choose with the buttons above/);
    expect(telegram.isDeleted(chat.user.id, stray.message_id)).toBe(true);
    // Text that starts with "/" but is none of the bot's commands may be the passphrase sent once more.
    const again = chat.send("/Secret#1");
    await chat.expect(/choose with the buttons above/);
    expect(telegram.isDeleted(chat.user.id, again.message_id)).toBe(true);
    chat.press(question, /Cancel/);
    await chat.expect(/Cancelled/);
  });

  it("tells a passphrase with characters OKX cannot carry apart, and asks for it again", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send(accounts.hugo.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send(accounts.hugo.secret);
    await chat.expect(/Step 3 of 4/);
    const chinese = chat.send("我的口令是八个字符");
    await chat.expect(/characters OKX cannot take/);
    expect(telegram.isDeleted(chat.user.id, chinese.message_id)).toBe(true);
    chat.send("Pass-🔑-word-1");
    await chat.expect(/characters OKX cannot take/);
    chat.send(accounts.hugo.passphrase);
    await chat.expect(/Step 4 of 4/);
    expect(chat.transcript().join("\n")).not.toMatch(/not answering/);
    chat.send("/cancel");
    await chat.expect(/Cancelled/);
  });

  it("deletes a key or secret in a caption with the same warning, outside /connect, in a group and inside /connect", async () => {
    const chat = newChat();
    const photo = telegram.sendUserMedia(chat.user, "photo", `my secret ${accounts.alice.secret}`);
    await chat.expect(/looked like an OKX API key or secret, so I deleted it/);
    expect(telegram.isDeleted(chat.user.id, photo.message_id)).toBe(true);

    const member = telegram.user(999_002, { first_name: "Member" });
    const group = telegram.group(-4343, "Desk");
    const groupChat = chatWith(telegram, member, group);
    const file = telegram.sendUserMedia(member, "document", accounts.alice.apiKey, group);
    await groupChat.expect(/Never post keys in a group/);
    expect(telegram.isDeleted(group.id, file.message_id)).toBe(true);

    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    const inside = telegram.sendUserMedia(chat.user, "photo", accounts.alice.apiKey);
    await chat.expect(/as a text message/);
    expect(telegram.isDeleted(chat.user.id, inside.message_id)).toBe(true);
    const bare = telegram.sendUserMedia(chat.user, "document");
    await chat.expect(/as a text message/);
    expect(telegram.isDeleted(chat.user.id, bare.message_id)).toBe(true);
    chat.send(accounts.alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send("/cancel");
    await chat.expect(/Cancelled/);
  });

  it("deletes a message edited into a key with the same warning, and the /connect message edited in the middle", async () => {
    const chat = newChat();
    const hello = chat.send("hello");
    await chat.expect(/I did not understand that/);
    telegram.editMessage(chat.user, hello, `here ${accounts.alice.apiKey}`);
    await chat.expect(/looked like an OKX API key or secret, so I deleted it/);
    expect(telegram.isDeleted(chat.user.id, hello.message_id)).toBe(true);

    const member = telegram.user(999_003, { first_name: "Member" });
    const group = telegram.group(-4444, "Floor");
    const groupChat = chatWith(telegram, member, group);
    const said = groupChat.send("gm");
    telegram.editMessage(member, said, accounts.alice.secret);
    await groupChat.expect(/Never post keys in a group/);
    expect(telegram.isDeleted(group.id, said.message_id)).toBe(true);

    const command = chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    telegram.editMessage(chat.user, command, accounts.alice.apiKey);
    await chat.expect(/I deleted the message you edited/);
    expect(telegram.isDeleted(chat.user.id, command.message_id)).toBe(true);
    // The edit was no answer: the key is still asked for.
    chat.send(accounts.alice.apiKey);
    await chat.expect(/Step 2 of 4/);
    chat.send("/cancel");
    await chat.expect(/Cancelled/);
  });

  it("answers a stale or forged button with a short note, and never an error", async () => {
    const chat = newChat();
    chat.send("/lang");
    const old = await chat.expect(/Choose a language/);
    chat.send("/connect");
    const step = await chat.expect(/Step 1 of 4/);
    const forged = telegram.forgeButton(chat.user, step, "connect:env:live");
    await telegram.waitFor((call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === forged);
    expect(telegram.callbackAnswer(forged)?.text).toBe("This button belongs to an earlier message.");
    const junk = telegram.forgeButton(chat.user, old, "🙃".repeat(16));
    await telegram.waitFor((call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === junk);
    expect(telegram.callbackAnswer(junk)?.text).toBe("This button belongs to an earlier message.");
    chat.press(step, /Cancel/);
    await chat.expect(/Cancelled/);
  });

  it("never asks for a secret in a group, and deletes a key pasted there", async () => {
    const member = telegram.user(999_001, { first_name: "Member" });
    const group = telegram.group(-4242, "Traders");
    const chat = chatWith(telegram, member, group);
    chat.send("/connect");
    await chat.expect(/only take API keys in a private chat.*start=connect/);
    const pasted = chat.send(`my key ${accounts.alice.apiKey}`);
    await chat.expect(/Never post keys in a group/);
    expect(telegram.isDeleted(group.id, pasted.message_id)).toBe(true);
    expect(chat.transcript().join("\n")).not.toMatch(/Step 1 of 4/);
  });

  it("deletes a secret sent outside the conversation", async () => {
    const chat = newChat();
    const stray = chat.send(accounts.alice.secret);
    await chat.expect(/looked like an OKX API key or secret, so I deleted it/);
    expect(telegram.isDeleted(chat.user.id, stray.message_id)).toBe(true);
  });

  it("deletes a key or secret whatever would take the message: a command's arguments, another conversation, a step between the secrets", async () => {
    const member = telegram.user(999_004, { first_name: "Member" });
    const group = telegram.group(-4545, "Pit");
    const groupChat = chatWith(telegram, member, group);
    const inGroup = groupChat.send(`/connect ${accounts.alice.apiKey}`);
    await groupChat.expect(/Never post keys in a group/);
    expect(telegram.isDeleted(group.id, inGroup.message_id)).toBe(true);

    const chat = newChat();
    const asked = chat.send(`/interest ${accounts.alice.secret}`);
    await chat.expect(/looked like an OKX API key or secret, so I deleted it/);
    expect(telegram.isDeleted(chat.user.id, asked.message_id)).toBe(true);

    chat.send("/filters");
    await chat.expect(/1\/5 · Which currency/);
    const typed = chat.send(accounts.alice.apiKey);
    await chat.expect(/looked like an OKX API key or secret, so I deleted it/);
    expect(telegram.isDeleted(chat.user.id, typed.message_id)).toBe(true);
    chat.send("/cancel");
    await chat.expect(/Cancelled/);

    chat.send("/connect");
    const question = await giveKeyCheckingDeletions(chat, accounts.alice);
    const between = chat.send(`/status ${accounts.alice.apiKey}`);
    await chat.expect(/choose with the buttons above/);
    expect(telegram.isDeleted(chat.user.id, between.message_id)).toBe(true);
    expect(chat.transcript().join("\n")).not.toMatch(/not a currency code|🔑|No OKX key is connected/);
    chat.press(question, /Cancel/);
    await chat.expect(/Cancelled/);
  });
});

describe("operations", () => {
  it("answers /healthz, /readyz and /metrics", async () => {
    const health = await fetch(`${e2e.bot.httpUrl}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const ready = await fetch(`${e2e.bot.httpUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ready", checks: { redis: "ok", telegram: "ok" } }]);
    const metrics = await (await fetch(`${e2e.bot.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/okxi_updates_total\{kind="message",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/okxi_okx_requests_total\{path="\/api\/v5\/account\/config",code="50105"\} [1-9]/);
    expect(metrics).toMatch(/okxi_update_duration_seconds_bucket/);
    expect(metrics).toMatch(/okxi_limiter_queued\{priority="interactive"\} 0/);
  });
});

describe("start-up", () => {
  it("refuses to start without a usable master key, saying what is wrong and nothing of the value", async () => {
    const env = { ...e2e.env, ENCRYPTION_KEYS: "k1:c2hvcnQ=" };
    await expect(startBotProcess(env)).rejects.toThrow(/exited with 1:[\s\S]*ENCRYPTION_KEYS: entry 1 must be id:base64-of-32-random-bytes/);
    await expect(startBotProcess(env)).rejects.not.toThrow(/c2hvcnQ=/);
  });
});

describe("a restart", () => {
  it("continues a conversation in a new process where it stopped", async () => {
    const chat = newChat();
    chat.send("/connect");
    await chat.expect(/Step 1 of 4/);
    chat.send(accounts.hugo.apiKey);
    await chat.expect(/Step 2 of 4/);
    expect(await e2e.restart()).toBe(0);
    chat.send(accounts.hugo.secret);
    await chat.expect(/Step 3 of 4/);
    chat.send(accounts.hugo.passphrase);
    chat.press(await chat.expect(/Step 4 of 4/), /Live/);
    await chat.expect(/Connected: “hugo-readonly”/);
  });
});
