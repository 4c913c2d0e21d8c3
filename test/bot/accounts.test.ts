import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { interestButtons } from "../../src/bot/buttons.js";
import { Decimal, formatAmount } from "../../src/domain/money.js";
import { connect, giveKey, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount, type FakeOkxAccount } from "../support/fake-okx/index.js";

const now = Date.now();
const DAY_MS = 24 * 3600_000;
// A main account and a sub-account of one trader, each with its own key and UID; another trader's own account.
const accounts = {
  main: fakeAccount({ name: "main", uid: "640112233401", label: "Main", endTs: now, hours: 24 * 8 }),
  sub: fakeAccount({ name: "sub", uid: "640112233402", label: "Sub", endTs: now, hours: 24 * 8 }),
  other: fakeAccount({ name: "other", uid: "640112233403", label: "Other", endTs: now, hours: 24 * 8 }),
};
const mainAgain = {
  ...accounts.main,
  apiKey: "8c7e1f20-93aa-4b1c-9d2e-5f6a7b8c9d0e",
  secret: "A1B2C3D4E5F60718293A4B5C6D7E8F90",
  passphrase: "Second-Key-1",
};

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), [...Object.values(accounts), mainAgain], { HISTORY_BUDGET_MS: "15000", FLOOD_LIMIT: "1000" });
}, 30_000);
afterAll(() => e2e?.close());

/** USDT interest of the last 7 days at OKX, summed independently of the bot. */
function usdtWeek(...of: FakeOkxAccount[]): string {
  const total = of
    .flatMap((account) => account.records)
    .filter((record) => record.ccy === "USDT" && Number(record.ts) >= Date.now() - 7 * DAY_MS - 60_000)
    .reduce((sum, record) => sum.plus(record.interest), new Decimal(0));
  return formatAmount(total, "USDT");
}

const totalOf = (text: string) => /Total\s+([\d,.]+) USDT/.exec(text)?.[1];

describe("several OKX accounts of one person", () => {
  it("each on its own or All summed, its history its own, and one removed leaves the other whole", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.main);
    await connect(chat, accounts.sub);
    expect(chat.transcript().join("\n")).toMatch(/You now have 2 accounts/);
    await Promise.all([e2e.historyLoaded(accounts.main.uid), e2e.historyLoaded(accounts.sub.uid)]);

    // The default is the first; its buttons offer All and each account.
    chat.send("/interest USDT 7d");
    const summary = await chat.expect(/USDT interest · last 7 days[\s\S]*Account: Main[\s\S]*Updated/, 30_000);
    expect(totalOf(summary.text ?? "")).toBe(usdtWeek(accounts.main));

    chat.press(summary, /^All$/);
    const all = await chat.expect(/Account: All accounts \(2\)[\s\S]*By account[\s\S]*Updated/, 30_000);
    expect(totalOf(all.text ?? "")).toBe(usdtWeek(accounts.main, accounts.sub));
    expect(all.text).toMatch(/Main\s+[\d,.]+/);
    expect(all.text).toMatch(/Sub\s+[\d,.]+/);

    chat.press(all, /^Sub$/);
    const sub = await chat.expect(/Account: Sub[\s\S]*Updated/, 30_000);
    expect(totalOf(sub.text ?? "")).toBe(usdtWeek(accounts.sub));

    // The records of All say whose each is.
    chat.send("/interest all USDT 7d");
    chat.press(await chat.expect(/Account: All accounts \(2\)[\s\S]*Updated/, 30_000), /Records/);
    const records = await chat.expect(/hourly records/i, 30_000);
    expect(records.text).toMatch(/Main · /);
    expect(records.text).toMatch(/Sub · /);

    // The digest has one part per account; /digest chooses which.
    chat.send("/digest");
    const settings = await chat.expect(/Daily digest: off[\s\S]*Accounts: All accounts/);
    chat.press(settings, /Send now/);
    const both = await chat.expect(/Your borrowing[\s\S]*🏦 Main[\s\S]*🏦 Sub/, 30_000);
    expect(both.text).toMatch(/USDT/);
    chat.press(settings, /Accounts/);
    chat.press(await chat.expect(/Which accounts\?/), /^Sub$/);
    chat.send("/digest");
    const onlySub = await chat.expect(/Accounts: Sub/);
    // "Send now" is taken once in three seconds.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    chat.press(onlySub, /Send now/);
    const subDigest = await chat.expect(/Your borrowing[\s\S]*🏦 Sub/, 30_000);
    expect(subDigest.text).not.toMatch(/🏦 Main/);

    // Another key of an account already held is recognised by its UID: not a third account.
    chat.send("/connect");
    chat.press(await giveKey(chat, mainAgain), /Live/);
    await chat.expect(/That key is of an account already connected \(“Main”, UID 640112233401\)/);

    // Renamed, then removed: the other account, its history and its figures stay as they were.
    chat.send("/accounts");
    const list = await chat.expect(/Your OKX accounts \(2\)/);
    chat.press(list, /^Sub$/);
    const menu = await chat.expect(/UID <code>640112233402<\/code>|UID 640112233402/);
    chat.press(menu, /Rename/);
    await chat.expect(/Send the name for this account/);
    chat.send("Hedging sub");
    await chat.expect(/Renamed: “Hedging sub”/);
    chat.send("/accounts");
    chat.press(await chat.expect(/Hedging sub/), /^Main$/);
    chat.press(await chat.expect(/UID <code>640112233401<\/code>|UID 640112233401/), /Remove/);
    chat.press(await chat.expect(/Remove “Main”\?/), /Yes, remove/);
    await chat.expect(/Removed “Main”/);
    expect(await e2e.redis.keys(`${e2e.prefix}rec:${accounts.main.uid}*`)).toEqual([]);
    expect((await e2e.redis.keys(`${e2e.prefix}rec:${accounts.sub.uid}*`)).length).toBeGreaterThan(0);

    // One account left: no account buttons, and its figures are its own.
    chat.send("/interest USDT 7d");
    const left = await chat.expect(/USDT interest · last 7 days[\s\S]*Updated/, 30_000);
    expect(left.text).not.toMatch(/Account:/);
    expect(totalOf(left.text ?? "")).toBe(usdtWeek(accounts.sub));
    const markup = left.reply_markup;
    const buttons = markup !== undefined && "inline_keyboard" in markup ? markup.inline_keyboard.flat().map((button) => button.text) : [];
    expect(buttons).toContain("📜 Records");
    expect(buttons).not.toContain("All");
  }, 180_000);

  it("never reaches another person's accounts, whatever a button says", async () => {
    const owner = e2e.newChat();
    await connect(owner, accounts.main);
    await connect(owner, accounts.other);
    const stranger = e2e.newChat();
    await connect(stranger, accounts.sub);
    await e2e.historyLoaded(accounts.sub.uid);
    stranger.send("/interest USDT 7d");
    const own = await stranger.expect(/USDT interest · last 7 days[\s\S]*Updated/, 30_000);
    // A forged press naming the owner's second account (slot 1) or all of theirs: the stranger has neither.
    for (const account of [1, "all"] as const) {
      const from = e2e.telegram.calls().length;
      e2e.telegram.forgeButton(stranger.user, own, interestButtons.summary.data({ view: { period: "7d", ccy: "USDT", account } }));
      await e2e.telegram.waitFor((call) => call.method === "editMessageText" && call.response?.ok === true, 30_000, from);
    }
    const seen = [
      ...stranger.transcript(),
      ...e2e.telegram
        .calls("editMessageText")
        .filter((call) => String(call.params.chat_id) === String(stranger.user.id))
        .map((call) => String(call.params.text)),
    ].join("\n");
    expect(seen).not.toMatch(/Main|Other|640112233401|640112233403/);
    expect(seen).toMatch(/That account is no longer connected/);
    // "All" of one account is that account.
    expect(totalOf(seen.split("Updated").at(-2) ?? "")).toBe(usdtWeek(accounts.sub));
  }, 120_000);
});
