import type { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALERT_QUEUE } from "../../src/alerts/schedule.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { chatWith, type ChatDriver } from "../support/chat.js";
import { connect, digestQueueOf, disposeQueue, eventually, giveKey, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";
import type { StoredMessage } from "../support/fake-telegram/index.js";

const now = Date.now();
// Ids no timestamp, counter or token of the run would contain by chance.
const people = { trader: 5806613942, first: 6712093385, second: 7490251163 };
const accounts = {
  journey: fakeAccount({ name: "forgotten", uid: "918273645501", endTs: now, hours: 24 * 10 }),
  shared: fakeAccount({ name: "shared", uid: "827364519203", endTs: now, hours: 24 * 10 }),
};
const FLOOD_WINDOW_MS = 1_500;

let e2e: EndToEnd;
let queue: Queue;
let alertQueue: Queue;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts), { HISTORY_BUDGET_MS: "15000", FLOOD_WINDOW_MS: String(FLOOD_WINDOW_MS) });
  queue = digestQueueOf(e2e);
  alertQueue = digestQueueOf(e2e, ALERT_QUEUE);
}, 30_000);
afterAll(async () => {
  await disposeQueue(alertQueue);
  await disposeQueue(queue);
  await e2e?.close();
});

const person = (id: number, languageCode = "en"): ChatDriver =>
  chatWith(e2e.telegram, e2e.telegram.user(id, { first_name: "Trader", language_code: languageCode }));

/** Every key of the run (the bot's, BullMQ's, the OKX limiter's) with its whole value as text, whatever its type. */
async function everything(): Promise<Map<string, string>> {
  const { redis, prefix } = e2e;
  const found = new Map<string, string>();
  for (const pattern of [`${prefix}*`, `b_${prefix}*`]) {
    for (let cursor = "0"; ;) {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
      for (const key of keys) found.set(key, await valueOf(key));
      if (next === "0") break;
      cursor = next;
    }
  }
  return found;
}

async function valueOf(key: string): Promise<string> {
  const { redis } = e2e;
  // Binary values (record blocks) read as latin1: digits in them still read as digits.
  const text = (values: Buffer[]) => values.map((value) => value.toString("latin1")).join("\n");
  const type = await redis.type(key);
  switch (type) {
    case "none":
      return ""; // gone between the scan and the read
    case "string":
      return ((await redis.getBuffer(key)) ?? Buffer.alloc(0)).toString("latin1");
    case "hash":
      return text(Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [Buffer.from(field), value]));
    case "set":
      return text(await redis.smembersBuffer(key));
    case "zset":
      return text(await redis.zrangeBuffer(key, 0, -1, "WITHSCORES"));
    case "list":
      return text(await redis.lrangeBuffer(key, 0, -1));
    case "stream":
      return JSON.stringify(await redis.xrange(key, "-", "+"));
    default:
      throw new Error(`${key} is a ${type}, which this test cannot read`);
  }
}

/** The keys whose name or value contains one of `needles`. */
async function naming(...needles: string[]): Promise<string[]> {
  const named: string[] = [];
  for (const [key, value] of await everything()) if (needles.some((needle) => key.includes(needle) || value.includes(needle))) named.push(key);
  return named.sort();
}

/** OKX's per-account limiter state lapses by itself within minutes (`src/okx/limiter.ts`). */
const okxLimiter = (key: string) => key.startsWith(`b_${e2e.prefix}lim-`);

/** The family of a key, for the message of a failure: `prefs`, `bull:digest:completed`, `digest:day`... */
const family = (key: string) => key.replace(e2e.prefix, "").replace(/\d{6,}.*$/, "");

/** Presses a button and waits for the photo or document the bot sends in answer. */
async function pressForPhoto(chat: ChatDriver, message: StoredMessage, label: RegExp): Promise<void> {
  const from = e2e.telegram.calls().length;
  chat.press(message, label);
  await e2e.telegram.waitFor((call) => call.method === "sendPhoto" && call.response?.ok === true, 20_000, from);
}

describe("/disconnect", () => {
  it("leaves nothing in Redis that names the person or their account, no digest scheduled, none made again at start-up", async () => {
    const chat = person(people.trader, "zh-hans");
    const { uid } = accounts.journey;
    const id = String(people.trader);

    // A whole first visit: language, connect, interest, chart, filters saved as the default, digest on, Send now.
    chat.send("/lang");
    chat.press(await chat.expect(/选择语言|Choose a language/), /English/);
    await chat.expect(/Language: English/);
    await connect(chat, accounts.journey);
    await e2e.historyLoaded(uid);
    chat.send("/interest USDT 7d");
    const summary = await chat.expect(/USDT interest · last 7 days/, 20_000);
    await pressForPhoto(chat, summary, /📈 Chart/);
    chat.press(summary, /Filters/);
    chat.press(await chat.expect(/1\/5 · Which currency/), /^USDT$/);
    chat.press(await chat.expect(/2\/5 · Which margin mode/), /^Isolated$/);
    await chat.expect(/3\/5 · Which instrument/);
    chat.send("btc-usdt");
    chat.press(await chat.expect(/4\/5 · Which period/), /^7d$/);
    await chat.expect(/5\/5 · How many hourly records per page/);
    chat.send("5");
    const filtered = await chat.expect(/Filters: USDT · isolated · BTC-USDT · last 7 days · 5 records per page/);
    chat.press(filtered, /Save as my default/);
    await e2e.telegram.waitFor(
      (call) => call.method === "answerCallbackQuery" && call.params.text === "Saved: /interest starts from these filters now.",
    );
    chat.send("/digest Europe/Paris");
    chat.press(await chat.expect(/Daily digest: off/), /Turn on/);
    const settings = await chat.expect(/Daily digest: on[\s\S]*Next: /);
    chat.press(settings, /Send now/);
    await chat.expect(/Your borrowing, \w{3} \d{1,2} \w{3}/, 20_000);
    // An alert at 1 % a year (the account borrows at about 3.6 %), the hour's check, its alert snoozed.
    chat.send("/alerts");
    chat.press(await chat.expect(/Alerts when borrowing turns expensive/), /Yearly rate/);
    await chat.expect(/Send the yearly rate/);
    chat.send("1");
    await chat.expect(/Yearly rate at or above 1 %/);
    await alertQueue.add("hour", { kind: "hour" }, { jobId: "hour-journey" });
    chat.press(await chat.expect(/Borrowing turned expensive/, 20_000), /24 h$/);
    await eventually(async () => (await e2e.redis.exists(`${e2e.prefix}alerts:snooze:${id}`)) === 1);
    // The key stops working on OKX's side: the next digest says so, once (the key-notice mark).
    e2e.okx.account(uid).passphrase = "Changed-On-OKX-1";
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    chat.press(settings, /Send now/);
    await chat.expect(/could not make your daily digest: OKX refused your key \(50105/, 20_000);
    // A /connect half done, at the live-or-demo question: its state holds the key, secret and passphrase just typed.
    chat.send("/connect");
    await giveKey(chat, accounts.journey);

    // Every family the journey wrote names the person or the account: the check below would see any of them.
    const before = new Set((await naming(id, uid)).map(family));
    for (const expected of [
      "cred:",
      "prefs:",
      "acct:",
      "conv:",
      "msg:",
      "digest:day:",
      "digest:key-notice:",
      "rec:",
      "bull:digest:repeat:",
      "bull:digest:completed",
      "bull:digest:events",
      "alerts:settings:",
      "alerts:snooze:",
      "alerts:users",
      "alerts:state:",
      "alerts:sent:",
      "bull:alerts:completed",
      "bull:alerts:events",
    ]) {
      expect([...before]).toContainEqual(expect.stringContaining(expected));
    }
    expect(await queue.getJobScheduler(`digest-${id}`)).toBeDefined();

    chat.send("/disconnect");
    await chat.expect(/Disconnected\. I erased your key and everything derived from it/);

    // Left: OKX's limiter state, and the flood counter of the person's last updates (it lapses within FLOOD_WINDOW_MS).
    const flood = `${e2e.prefix}flood:${id}`;
    const left = (await naming(id, uid)).filter((key) => !okxLimiter(key));
    expect(
      left.filter((key) => key !== flood),
      "keys naming the person or their account",
    ).toEqual([]);
    expect(await e2e.redis.pttl(flood)).toBeLessThanOrEqual(FLOOD_WINDOW_MS);
    expect(await queue.getJobScheduler(`digest-${id}`)).toBeUndefined();
    await eventually(async () => (await e2e.redis.exists(flood)) === 0, FLOOD_WINDOW_MS + 2_000);
    expect((await naming(id, uid)).filter((key) => !okxLimiter(key))).toEqual([]);

    // The next start checks every schedule: nothing is made again for someone who is gone.
    await e2e.redis.del(`${e2e.prefix}digest:rebuild`, `${e2e.prefix}accounts:index`);
    expect(await e2e.restart()).toBe(0);
    await eventually(async () => (await e2e.redis.exists(`${e2e.prefix}digest:rebuild`)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await queue.getJobScheduler(`digest-${id}`)).toBeUndefined();
    expect((await naming(id, uid)).filter((key) => !okxLimiter(key))).toEqual([]);
    expect(chat.transcript().filter((text) => text.includes("could not make your daily digest"))).toHaveLength(1);

    // And the person comes back as anyone new does: no key, and the bot in their Telegram language again.
    chat.send("/status");
    await chat.expect(/尚未绑定 OKX 密钥/);
  }, 90_000);

  it("of one of two Telegram users of one OKX account leaves the other's key, settings and cached history whole", async () => {
    const first = person(people.first);
    const second = person(people.second);
    const { uid } = accounts.shared;
    await connect(first, accounts.shared);
    await e2e.historyLoaded(uid);
    await connect(second, accounts.shared);
    second.send("/digest Asia/Tokyo");
    await second.expect(/Asia\/Tokyo/);
    first.send("/interest USDT 7d");
    await first.expect(/USDT interest · last 7 days/, 20_000);
    const blocks = await e2e.redis.hlen(`${e2e.prefix}rec:${uid}:blocks`);
    expect(blocks).toBeGreaterThan(0);

    first.send("/disconnect");
    await first.expect(/Disconnected/);
    expect((await naming(String(people.first))).filter((key) => !key.startsWith(`${e2e.prefix}flood:`))).toEqual([]);
    expect(await e2e.redis.hlen(`${e2e.prefix}rec:${uid}:blocks`)).toBe(blocks);
    expect(await e2e.redis.smembers(`${e2e.prefix}acct:${uid}:users`)).toEqual([String(people.second)]);

    // The other's view: whole figures from the cache (one request for what is newer, not the history again).
    const served = e2e.okx.servedAt(uid, INTEREST_ACCRUED_PATH).length;
    second.send("/interest USDT 7d");
    const view = await second.expect(/USDT interest · last 7 days/, 20_000);
    expect(view.text).toMatch(/Total\s+[\d.,]+ USDT over 168 h/);
    expect(view.text).not.toMatch(/loading/i);
    expect(e2e.okx.servedAt(uid, INTEREST_ACCRUED_PATH).length - served).toBeLessThanOrEqual(2);
    second.send("/status");
    await second.expect(/🔑/);
    expect(await e2e.redis.hget(`${e2e.prefix}prefs:${people.second}`, "timeZone")).toBe("Asia/Tokyo");

    // The last one out takes the account's history with them.
    second.send("/disconnect");
    await second.expect(/Disconnected/);
    const gone = () => naming(String(people.first), String(people.second), uid);
    expect((await gone()).filter((key) => !okxLimiter(key) && !key.startsWith(`${e2e.prefix}flood:`))).toEqual([]);
    await eventually(async () => (await gone()).filter((key) => !okxLimiter(key)).length === 0, FLOOD_WINDOW_MS + 2_000);
  }, 90_000);
});
