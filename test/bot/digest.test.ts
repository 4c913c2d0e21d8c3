import type { Queue } from "bullmq";
import type { InlineKeyboardMarkup } from "grammy/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, digestQueueOf, disposeQueue, eventually, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";
import type { StoredMessage } from "../support/fake-telegram/index.js";

const LINES = [
  { ccy: "USDT", mgnMode: "cross" as const, instId: "", liability: 2500, hourlyRate: 0.0000040833 },
  { ccy: "BTC", mgnMode: "cross" as const, instId: "", liability: 0.05, hourlyRate: 0.0000011416 },
];
const accounts = {
  una: fakeAccount({ name: "una", hours: 24 * 40, lines: LINES }),
  vic: fakeAccount({ name: "vic", hours: 24 * 40, lines: LINES }),
  wes: fakeAccount({ name: "wes", hours: 24 * 40, lines: LINES }),
  xia: fakeAccount({ name: "xia", hours: 48, lines: LINES }),
  yul: fakeAccount({ name: "yul", hours: 48, lines: LINES }),
  // More currencies than a digest may be limited to.
  zed: fakeAccount({
    name: "zed",
    hours: 4,
    lines: Array.from({ length: 22 }, (_, index) => ({
      ccy: `C${String(index + 1).padStart(2, "0")}`,
      mgnMode: "cross" as const,
      instId: "",
      liability: 100,
      hourlyRate: 0.000004,
    })),
  }),
};

let e2e: EndToEnd;
let queue: Queue;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts));
  queue = digestQueueOf(e2e);
}, 30_000);
afterAll(async () => {
  await disposeQueue(queue);
  await e2e?.close();
});

const scheduler = (userId: number) => queue.getJobScheduler(`digest-${userId}`);
/** The digest settings as stored: `on|hour:minute|currencies|locale`. */
const storedDigest = async (userId: number) => (await e2e.redis.hget(`${e2e.prefix}prefs:${userId}`, "digest")) ?? "";
const buttonsOf = (message: StoredMessage) =>
  ((message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((button) => ("callback_data" in button ? button.callback_data : ""));
const buttonLabels = (message: StoredMessage) =>
  ((message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((button) => button.text);
const storeDigest = (userId: number, value: string) => e2e.redis.hset(`${e2e.prefix}prefs:${userId}`, "digest", value);

describe("/digest", () => {
  it("sets the time and zone with buttons, turns on, and schedules the user's job in their zone", async () => {
    const chat = e2e.newChat("zh-hans");
    chat.send("/lang");
    chat.press(await chat.expect(/Choose a language|选择语言/), /English/);
    await chat.expect(/Language: English/);
    chat.send("/digest");
    let settings = await chat.expect(/Daily digest: off/);
    // Off until asked for, at 09:00, in a zone guessed from the Telegram language.
    expect(settings.text).toContain("Time: 09:00 · Asia/Shanghai (UTC+8)");
    expect(settings.text).toContain("guessed from your language");

    chat.press(settings, /Time/);
    const hours = await chat.expect(/At what hour/);
    expect(hours.message_id).toBe(settings.message_id);
    chat.press(hours, /^07$/);
    chat.press(await chat.expect(/And the minute/), /^07:45$/);
    settings = await chat.expect(/Time: 07:45/);
    chat.press(settings, /Zone/);
    chat.press(await chat.expect(/Your time zone: pick one/), /^America\/New_York$/);
    settings = await chat.expect(/Time: 07:45 · America\/New_York \(UTC-[45]\)/);
    expect(settings.text).not.toContain("guessed");
    expect(await scheduler(chat.user.id)).toBeUndefined();

    chat.press(settings, /Turn on/);
    settings = await chat.expect(/Daily digest: on[\s\S]*Next: /);
    const job = await scheduler(chat.user.id);
    expect(job).toMatchObject({ pattern: "45 7 * * *", tz: "America/New_York" });
    expect(settings.text).toContain(
      `Next: ${new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", day: "numeric", month: "short" }).format(job!.next)} 07:45`,
    );

    chat.press(settings, /Turn off/);
    await eventually(async () => (await scheduler(chat.user.id)) === undefined);
    // The schedule goes first, then the settings message is edited to say so.
    await eventually(() => Promise.resolve(/Daily digest: off/.test(e2e.telegram.lastBotMessage(chat.user.id)?.text ?? "")));
  });

  it("says when the next digest comes in the user's language: in Chinese with numbers, not English month names", async () => {
    const chat = e2e.newChat("zh-hans");
    chat.send("/digest");
    chat.press(await chat.expect(/每日汇总：已关闭/), /开启/);
    const settings = await chat.expect(/每日汇总：已开启[\s\S]*下一次：/);
    const job = await scheduler(chat.user.id);
    const [month, day] = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric" })
      .format(job!.next)
      .split("/");
    expect(settings.text).toContain(`下一次：${month}月${day}日 09:00`);
  });

  it("takes a typed zone name or a shared location, and refuses a zone that does not exist", async () => {
    const chat = e2e.newChat();
    chat.send("europe/paris");
    await chat.expect(/Time zone: Europe\/Paris\./);
    await chat.expect(/Time: 09:00 · Europe\/Paris/);
    chat.send("Mars/Olympus_Mons");
    await chat.expect(/I do not know the time zone “Mars\/Olympus_Mons”/);
    chat.send("/digest Asia/Kolkata");
    await chat.expect(/Time: 09:00 · Asia\/Kolkata \(UTC\+5:30\)/);

    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Zone/);
    chat.press(await chat.expect(/Your time zone/), /From my location/);
    await chat.expect(/share your location/);
    e2e.telegram.sendLocation(chat.user, -33.87, 151.21);
    await chat.expect(/Time zone: Australia\/Sydney\./);
  });

  it("takes a time typed at the time step, at any minute, and answers other text there with an example", async () => {
    const chat = e2e.newChat();
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Time/);
    const hours = await chat.expect(/At what hour\?[\s\S]*send a time such as 8:30 or 18:02/);
    chat.send("soon");
    const example = await chat.expect(/Send a time such as 8:30 or 21:00, or pick an hour below\./);
    expect(buttonsOf(example)).toContain("dg:h:18");
    chat.send("18:02");
    let settings = await chat.expect(/Time: 18:02 · UTC/);

    // At the minute step too, and in every way people write times.
    chat.press(settings, /Time/);
    chat.press(await chat.expect(/At what hour/), /^07$/);
    await chat.expect(/And the minute\?/);
    chat.send("7.05");
    settings = await chat.expect(/Time: 07:05 · UTC/);
    chat.press(settings, /Time/);
    chat.send("0830");
    settings = await chat.expect(/Time: 08:30 · UTC/);
    chat.press(settings, /Time/);
    chat.send("21h07");
    settings = await chat.expect(/Time: 21:07 · UTC/);
    expect(chat.transcript().join("\n")).not.toContain("I did not understand");
    expect(hours.text).toContain("Pick one");

    chat.press(settings, /Turn on/);
    settings = await chat.expect(/Daily digest: on[\s\S]*Next: /);
    expect(await scheduler(chat.user.id)).toMatchObject({ pattern: "7 21 * * *", tz: "UTC" });
    expect(settings.text).toMatch(/Next: .* 21:07$/m);

    // Once the time is set, a number is no longer taken for one.
    chat.send("9");
    await chat.expect(/I did not understand that/);
    expect(await storedDigest(chat.user.id)).toMatch(/^1\|21:7\|/);
  });

  it("takes a time, a zone or both after /digest, and says what it expects otherwise", async () => {
    const chat = e2e.newChat();
    chat.send("/digest 18:02");
    await chat.expect(/Daily digest: off\nTime: 18:02 · UTC/);
    chat.send("/digest 8:30 pm Europe/Paris");
    await chat.expect(/Time: 20:30 · Europe\/Paris/);
    chat.send("/digest 9");
    await chat.expect(/Time: 09:00 · Europe\/Paris/);
    chat.send("/digest tomorrow");
    await chat.expect(/\/digest takes a time, a time zone or both, e\.g\. \/digest 8:30/);
    chat.send("/digest 25:00");
    await chat.expect(/\/digest takes a time, a time zone or both/);
    chat.send("/digest Mars/Olympus_Mons 10:00");
    await chat.expect(/I do not know the time zone “Mars\/Olympus_Mons”/);
    expect(await storedDigest(chat.user.id)).toMatch(/^0\|9:0\|/);
    // A zone is saved under its IANA name, whatever the case typed or the link used.
    chat.send("/digest us/eastern");
    await chat.expect(/Time: 09:00 · America\/New_York \(UTC-[45]\)/);
    expect(await e2e.redis.hget(`${e2e.prefix}prefs:${chat.user.id}`, "timeZone")).toBe("America/New_York");
    chat.send("/digest asia/kolkata");
    await chat.expect(/Time: 09:00 · Asia\/Kolkata \(UTC\+5:30\)/);
  });

  it("at the zone step, takes only what looks like a zone name as one, and answers other text with an example", async () => {
    const chat = e2e.newChat();
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Zone/);
    await chat.expect(/Your time zone: pick one/);
    chat.send("and/or");
    const example = await chat.expect(/Send a time zone name such as Europe\/Paris or America\/New_York, pick one below, or share your location\./);
    expect(buttonsOf(example)).toContain("dg:loc");
    chat.send("somewhere in Europe/Asia");
    await chat.expect(/Send a time zone name such as/);
    chat.send("europe/pariss");
    await chat.expect(/I do not know the time zone “europe\/pariss”/);
    chat.send("us/eastern");
    await chat.expect(/Time zone: America\/New_York\./);
    await chat.expect(/Time: 09:00 · America\/New_York/);
    // Away from the zone step, text with a slash is not a zone either.
    chat.send("and/or");
    await chat.expect(/I did not understand that/);
    expect(chat.transcript().filter((text) => text.includes("I do not know the time zone"))).toHaveLength(1);
  });

  it("lets the currency picker tick only the account's own currencies: a forged press is answered and nothing is stored", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.xia);
    await e2e.historyLoaded(accounts.xia.uid);
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Currencies/);
    const picker = await chat.expect(/Which currencies\?/);
    const answers = [e2e.telegram.forgeButton(chat.user, picker, "dg:c:FAKE"), e2e.telegram.forgeButton(chat.user, picker, "dg:c:ETH")];
    await eventually(() => Promise.resolve(answers.every((id) => e2e.telegram.callbackAnswer(id) !== undefined)));
    for (const id of answers) expect(e2e.telegram.callbackAnswer(id)?.text).toBe("This button belongs to an earlier message.");
    expect(await storedDigest(chat.user.id)).toBe("");
    chat.press(picker, /^USDT$/);
    await eventually(async () => (await storedDigest(chat.user.id)) === "0|9:0|USDT|en");
    await eventually(() => Promise.resolve(buttonLabels(e2e.telegram.lastBotMessage(chat.user.id)!).includes("✓ USDT")));
    chat.send("/digest");
    await chat.expect(/Currencies: USDT$/m);
  });

  it("answers /digest whatever forged presses stored before, and a press keeps only the account's currencies", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.yul);
    await e2e.historyLoaded(accounts.yul.uid);
    // What 300 forged presses of twelve-character codes left behind.
    const forged = Array.from({ length: 300 }, (_, index) => `FORGED${String(index).padStart(6, "0")}`);
    await storeDigest(chat.user.id, `0|9:0|${forged.join(",")}|en`);
    chat.send("/digest");
    const settings = await chat.expect(/Daily digest: off/);
    expect(settings.text!.match(/FORGED/g)?.length).toBeLessThanOrEqual(20);
    chat.press(settings, /Currencies/);
    chat.press(await chat.expect(/Which currencies\?/), /^BTC$/);
    await eventually(async () => (await storedDigest(chat.user.id)) === "0|9:0|BTC|en");
  });

  it("limits a digest to at most 20 currencies", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.zed);
    await e2e.historyLoaded(accounts.zed.uid);
    const twenty = Array.from({ length: 20 }, (_, index) => `C${String(index + 1).padStart(2, "0")}`);
    await storeDigest(chat.user.id, `0|9:0|${twenty.join(",")}|en`);
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Currencies/);
    const picker = await chat.expect(/Which currencies\?/);
    const full = chat.press(picker, /^C21$/);
    await eventually(() => Promise.resolve(e2e.telegram.callbackAnswer(full) !== undefined));
    expect(e2e.telegram.callbackAnswer(full)?.text).toBe("At most 20 currencies: untick one first, or choose All currencies.");
    expect(await storedDigest(chat.user.id)).toBe(`0|9:0|${twenty.join(",")}|en`);
    chat.press(picker, /C01$/);
    await eventually(async () => (await storedDigest(chat.user.id)) === `0|9:0|${twenty.slice(1).join(",")}|en`);
    chat.press(picker, /^C21$/);
    await eventually(async () => (await storedDigest(chat.user.id)) === `0|9:0|${[...twenty.slice(1), "C21"].join(",")}|en`);
  });

  it("sends the digest now, with each currency's /interest view one press away", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.una);
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Send now/);
    const digest = await chat.expect(/Your borrowing, \w{3} \d{1,2} \w{3}/);
    expect(digest.text).toMatch(/USDT\s+[\d.,]+\s+\(/);
    expect(digest.text).toMatch(/BTC\s+[\d.,]+\s+\(/);
    expect(digest.text).toMatch(/[▁▂▃▄▅▆▇█]{7}\s+0\.000\d+ %\/h ≈ [\d.]+ % a year/);
    expect(digest.text).toMatch(/Debt now [\d.,]+ USDT/);
    expect(digest.text).toMatch(/Month: [\d.,]+ so far · ≈ [\d.,]+ USDT projected/);
    chat.press(digest, /USDT details/);
    const details = await chat.expect(/USDT interest · last 7 days/, 15_000);
    expect(details.message_id).toBe(digest.message_id);
  });

  it("makes the schedules again at start-up when the queue has lost them, for those whose digest is on only", async () => {
    const on = e2e.newChat();
    const off = e2e.newChat();
    on.send("/digest");
    on.press(await on.expect(/Daily digest: off/), /Turn on/);
    await on.expect(/Daily digest: on/);
    off.send("/digest");
    const offSettings = await off.expect(/Daily digest: off/);
    off.press(offSettings, /Turn on/);
    off.press(await off.expect(/Daily digest: on/), /Turn off/);
    await eventually(async () => (await scheduler(off.user.id)) === undefined);
    // A restore of Redis without the queue's keys.
    await queue.obliterate({ force: true });
    expect(await scheduler(on.user.id)).toBeUndefined();
    // The check runs once in ten minutes across replicas; this start is the next one.
    await e2e.redis.del(`${e2e.prefix}digest:rebuild`);
    expect(await e2e.restart()).toBe(0);
    await eventually(async () => (await scheduler(on.user.id)) !== undefined);
    expect(await scheduler(on.user.id)).toMatchObject({ pattern: "0 9 * * *", tz: "UTC" });
    expect(await scheduler(off.user.id)).toBeUndefined();
    // The count is logged once every user has been looked at, which may be after this user's scheduler is back.
    const rebuiltLine = () =>
      e2e.bot.logs().some((line) => line.msg === "digest schedules made again for users whose digest is on" && Number(line.rebuilt) >= 1);
    await eventually(() => Promise.resolve(rebuiltLine()));
  }, 60_000);

  it("switches the schedule off when the user blocks the bot", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.vic);
    chat.send("/digest");
    chat.press(await chat.expect(/Daily digest: off/), /Turn on/);
    await chat.expect(/Daily digest: on/);
    expect(await scheduler(chat.user.id)).toBeDefined();
    e2e.telegram.blockBot(chat.user.id);
    await eventually(async () => (await scheduler(chat.user.id)) === undefined);
    expect(e2e.bot.child.exitCode).toBeNull();
  });

  it("tells once that the key stopped working, not at every digest", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.wes);
    const account = e2e.okx.account(accounts.wes.uid);
    account.passphrase = "Changed-On-OKX-1";
    chat.send("/digest");
    const settings = await chat.expect(/Daily digest: off/);
    chat.press(settings, /Send now/);
    await chat.expect(/could not make your daily digest: OKX refused your key \(50105/);
    // The next run of the same job, seconds later: nothing more is said.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const before = e2e.telegram.calls("sendMessage").length;
    chat.press(settings, /Send now/);
    await eventually(
      async () => (await queue.getCompletedCount()) > 0 && (await queue.getActiveCount()) === 0 && (await queue.getWaitingCount()) === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(e2e.telegram.calls("sendMessage").length).toBe(before);
    expect(chat.transcript().filter((text) => text.includes("could not make your daily digest"))).toHaveLength(1);
  });
});
