import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Decimal, formatAmount } from "../../src/domain/money.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { BEFORE_READINGS, fakeAccount, HOUR_MS } from "../support/fake-okx/index.js";
import { WIDE_CURRENCIES, WIDE_LINES } from "../support/wide-account.js";

const now = Date.now();
const accounts = {
  olga: fakeAccount({ name: "olga", endTs: now, hours: 24 * 40 }),
  paul: fakeAccount({ name: "paul", endTs: now, hours: 24 * 40 }),
  // Sixty days of four lines: 58 pages, about 24 s at OKX's limit, past the history budget below.
  rita: fakeAccount({ name: "rita", endTs: now, hours: 24 * 60 }),
  sam: fakeAccount({ name: "sam", endTs: now, hours: 24 * 10 }),
  tess: fakeAccount({ name: "tess", endTs: now, hours: 24 * 10 }),
  // 40 lines in 20 currencies: two days are 20 pages.
  wide: fakeAccount({ name: "wide", endTs: now, hours: 48, lines: WIDE_LINES }),
};

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts), { HISTORY_BUDGET_MS: "15000" });
}, 30_000);
afterAll(() => e2e?.close());

/** The interest a period holds in the fake's records, summed independently of the bot. */
function expectedTotal(records: typeof accounts.olga.records, ccy: string, periodMs: number, asOf: number): string {
  const total = records
    .filter((record) => record.ccy === ccy && Number(record.ts) >= asOf - periodMs && Number(record.ts) <= asOf)
    .reduce((sum, record) => sum.plus(record.interest), new Decimal(0));
  return formatAmount(total, ccy);
}

describe("/interest", () => {
  it("says what to do first when no key is connected", async () => {
    const chat = e2e.newChat();
    chat.send("/interest");
    await chat.expect(/No OKX key is connected yet/);
    // Answered at once: no "Asking OKX…" first.
    const sent = e2e.telegram.calls("sendMessage").filter((call) => String(call.params.chat_id) === String(chat.user.id));
    expect(sent.map((call) => String(call.params.text))).toEqual([expect.stringMatching(/^No OKX key is connected yet/)]);
  });

  it("answers bad arguments in plain words", async () => {
    const chat = e2e.newChat();
    chat.send("/interest USDT 5d");
    await chat.expect(/“5d” is not a period I know: 24h, 7d, 30d, 90d or 1y/);
    chat.send("/interest U$DT");
    await chat.expect(/Try \/interest, \/interest USDT/);
  });

  it("sums a currency exactly, then every button edits the same message", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.olga);
    chat.send("/interest USDT 7d");
    const summary = await chat.expect(/USDT interest · last 7 days/);
    const asOf = Date.now();
    expect(summary.text).toContain(`${expectedTotal(accounts.olga.records, "USDT", 7 * 24 * HOUR_MS, asOf)} USDT over`);
    expect(summary.text).toMatch(/Rate now\s+0\.000\d+ %\/h ≈ \d\.\d+ % a year/);
    expect(summary.text).toMatch(/cross\s+[\d.,]+\n\s+isolated BTC-USDT\s+[\d.,]+/);

    chat.press(summary, /^30d$/);
    const month = await chat.expect(/USDT interest · last 30 days/, 20_000);
    expect(month.message_id).toBe(summary.message_id);
    expect(month.text, month.text).toContain(expectedTotal(accounts.olga.records, "USDT", 30 * 24 * HOUR_MS, Date.now()));

    chat.press(month, /^Cross$/);
    const cross = await chat.expect(/USDT · cross interest · last 30 days/);
    expect(cross.text).not.toMatch(/isolated BTC-USDT/);

    chat.press(cross, /USDT ▾/);
    const picker = await e2e.telegram.waitFor((call) => call.method === "editMessageReplyMarkup");
    expect(JSON.stringify(picker.params.reply_markup)).toMatch(/"BTC".*"ETH"/);
    const withPicker = e2e.telegram.botMessages(chat.user.id).find((message) => message.message_id === summary.message_id)!;
    chat.press(withPicker, /^BTC$/);
    const btc = await chat.expect(/BTC · cross interest · last 30 days/);
    expect(btc.text).toMatch(/\d\.\d{8} BTC over/);
  }, 40_000);

  it("answers every other button of the summary", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.tess);
    chat.send("/interest 24h");
    let message = await chat.expect(/All currencies interest · last 24 hours/);
    /** Presses a button and waits for the bot's edit of the message (even one that changes nothing). */
    const press = async (label: RegExp, shows: RegExp) => {
      const from = e2e.telegram.calls().length;
      chat.press(message, label);
      await e2e.telegram.waitFor((call) => call.method === "editMessageText" && call.params.message_id === message.message_id, 20_000, from);
      const deadline = Date.now() + 20_000;
      const current = () => e2e.telegram.botMessages(chat.user.id).find((candidate) => candidate.message_id === message.message_id)!;
      while (!shows.test(current().text ?? "") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      message = current();
      expect(message.text).toMatch(shows);
    };
    await press(/^Isolated$/, /All currencies · isolated interest · last 24 hours/);
    expect(message.text).not.toMatch(/\n\s+cross /);
    await press(/^· All modes ·$|^All modes$/, /All currencies interest · last 24 hours/);
    chat.press(message, /Instrument ▾/);
    await e2e.telegram.waitFor((call) => call.method === "editMessageReplyMarkup" && JSON.stringify(call.params).includes("ETH-USDT"));
    message = e2e.telegram.botMessages(chat.user.id).find((candidate) => candidate.message_id === message.message_id)!;
    await press(/^BTC-USDT$/, /All currencies · isolated · BTC-USDT interest/);
    await press(/Records/, /Hourly records · All currencies · isolated · BTC-USDT/);
    await press(/Back/, /All currencies · isolated · BTC-USDT interest · last 24 hours/);
    await press(/^90d$/, /BTC-USDT interest · last 90 days/);
    await press(/Refresh/, /BTC-USDT interest · last 90 days[\s\S]*Updated/);
    await press(/^7d$/, /BTC-USDT interest · last 7 days/);
    await press(/^24h$/, /BTC-USDT interest · last 24 hours/);
  }, 60_000);

  it("pages through the raw hourly records, older and newer", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.paul);
    chat.send("/interest ETH 24h");
    const summary = await chat.expect(/ETH interest · last 24 hours/);
    chat.press(summary, /Records/);
    const first = await chat.expect(/Hourly records · ETH/);
    const rows = (text: string | undefined) => (text ?? "").split("\n").filter((line) => /^\d{1,2} \w{3} \d\d:\d\d +ETH /.test(line));
    expect(rows(first.text)).toHaveLength(12);
    chat.press(first, /Older/);
    const older = await chat.expect(/Hourly records · ETH/);
    expect(rows(older.text)[0]).not.toBe(rows(first.text)[0]);
    const from = e2e.telegram.calls().length;
    chat.press(older, /Newer/);
    const edit = await e2e.telegram.waitFor("editMessageText", 10_000, from);
    expect(rows(String(edit.params.text).replace(/<[^>]+>/g, ""))).toEqual(rows(first.text));
  });

  it("asks OKX only for what is newer on a repeated question", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.sam);
    chat.send("/interest 7d");
    await chat.expect(/All currencies interest · last 7 days/);
    await e2e.historyLoaded(accounts.sam.uid);
    const before = e2e.okx.servedAt(accounts.sam.uid, INTEREST_ACCRUED_PATH).length;
    chat.send("/interest 24h");
    await chat.expect(/All currencies interest · last 24 hours/);
    expect(e2e.okx.servedAt(accounts.sam.uid, INTEREST_ACCRUED_PATH).length - before).toBe(1);
  });

  it("shows progress on a long first question, answers for what is held, and updates itself once the rest is in", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.rita);
    chat.send("/interest USDT 1y");
    await chat.expect(/Loading your history from OKX: back to/, 15_000);
    const partial = await chat.expect(/Figures from .* on: the rest of your history is loading/, 30_000);
    expect(partial.text).toMatch(/USDT interest · last year/);
    // No question asked again: the same message, once all is in, with every record of the year.
    const whole = await chat.expect(/^(?![\s\S]*history is loading)[\s\S]*USDT interest · last year/, 60_000);
    expect(whole.message_id).toBe(partial.message_id);
    // A year's range names its years: its ends fall in different ones.
    expect(whole.text).toMatch(/\n\d{1,2} \w{3} \d{4} – \d{1,2} \w{3} \d{4} \(UTC\)\n/);
    expect(whole.text).toContain(`${expectedTotal(accounts.rita.records, "USDT", 365 * 24 * HOUR_MS, Date.now())} USDT over`);
  }, 120_000);

  it("names the currencies the account has when asked for one it never borrowed", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.tess);
    chat.send("/interest DOGE");
    await chat.expect(/no interest on DOGE in the past year\. It has: BTC, ETH, USDT/);
  });

  it("says a key stopped working, and shows cached figures while OKX is down", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.tess);
    chat.send("/interest USDT 7d");
    await chat.expect(/USDT interest · last 7 days/);
    await e2e.historyLoaded(accounts.tess.uid);
    e2e.okx.inject({ kind: "unavailable" }, 5); // the first try and four retries
    chat.send("/interest USDT 7d");
    await chat.expect(/OKX is not answering \(50001\); these figures are from/, 20_000);

    e2e.okx.account(accounts.tess.uid).passphrase = "Changed-On-OKX-1";
    chat.send("/interest USDT");
    await chat.expect(/OKX refused your key \(50105/);
  }, 40_000);

  it("ignores forged buttons", async () => {
    const chat = e2e.newChat();
    chat.send("/start");
    const welcome = await chat.expect(/I show what your OKX margin loans cost you/);
    for (const data of ["iv:7d:USDT:x:-", "iv:5d:USDT:-:-", "ir:7d:USDT:-:-:a1:b2", "iv:7d:US$T:-:-"]) {
      const id = e2e.telegram.forgeButton(chat.user, welcome, data);
      await e2e.telegram.waitFor((call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === id);
      expect(e2e.telegram.callbackAnswer(id)?.text).toBe("This button belongs to an earlier message.");
    }
  });
});

describe("/filters", () => {
  it("sent again while it runs, says that filters are being chosen (not that a key is being connected)", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.tess);
    chat.send("/filters");
    await chat.expect(/1\/5 · Which currency/);
    chat.send("/filters");
    const busy = await chat.expect(/in the middle of/);
    expect(busy.text).toMatch(/We are in the middle of choosing filters/);
    expect(busy.text).not.toMatch(/connecting a key/);
  });

  it("collects every filter step by step, shows the result and keeps it as the default", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.sam);
    chat.send("/interest 24h");
    const summary = await chat.expect(/All currencies interest · last 24 hours/);
    chat.press(summary, /Filters/);
    await chat.expect(/Loan type: market loans/);
    chat.press(await chat.expect(/1\/5 · Which currency/), /^USDT$/);
    chat.press(await chat.expect(/2\/5 · Which margin mode/), /^Isolated$/);
    await chat.expect(/3\/5 · Which instrument/);
    chat.send("BTC USDT");
    await chat.expect(/That is not an instrument/);
    chat.send("btc-usdt");
    const period = await chat.expect(/4\/5 · Which period/);
    chat.send("/help");
    await chat.expect(/What I do/);
    chat.press(period, /^7d$/);
    await chat.expect(/5\/5 · How many hourly records per page/);
    chat.send("500");
    await chat.expect(/whole number from 1 to 100/);
    chat.send("5");
    const done = await chat.expect(/Filters: USDT · isolated · BTC-USDT · last 7 days · 5 records per page/);

    chat.press(done, /Save as my default/);
    await e2e.telegram.waitFor(
      (call) => call.method === "answerCallbackQuery" && call.params.text === "Saved: /interest starts from these filters now.",
    );
    chat.press(done, /Records/);
    const records = await chat.expect(/Hourly records · USDT · isolated · BTC-USDT/);
    expect((records.text ?? "").split("\n").filter((line) => / USDT +isolated BTC-USDT +\d/.test(line))).toHaveLength(5);

    chat.send("/interest");
    const byDefault = await chat.expect(/USDT · isolated · BTC-USDT interest · last 7 days/);
    expect(byDefault.text).not.toMatch(/\ncross /);
  }, 40_000);
});

describe("an account of 40 lines in 20 currencies", () => {
  it("gets every answer within Telegram's limits: summaries, the /filters lists, and records 100 a page", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.wide);
    await e2e.historyLoaded(accounts.wide.uid);
    chat.send("/interest 24h");
    const summary = await chat.expect(/All currencies interest · last 24 hours[\s\S]*Updated/);
    expect(summary.text).toMatch(/more currencies/);
    chat.send("/interest USDT 24h");
    expect((await chat.expect(/USDT interest · last 24 hours[\s\S]*Updated/)).text).toMatch(/more lines/);

    chat.press(summary, /Filters/);
    const buttons = (message: { reply_markup?: unknown }) =>
      (message.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((button) => button.text);
    const currencies = await chat.expect(/1\/5 · Which currency/);
    expect(buttons(currencies)).toEqual(expect.arrayContaining(WIDE_CURRENCIES));
    chat.press(currencies, /^USDT$/);
    chat.press(await chat.expect(/2\/5 · Which margin mode/), /^Isolated$/);
    const instruments = await chat.expect(/3\/5 · Which instrument/);
    expect(buttons(instruments).filter((text) => text.endsWith("-USDT") || text.endsWith("-USDC"))).toHaveLength(20);
    chat.press(instruments, /^All$/);
    chat.press(await chat.expect(/4\/5 · Which period/), /^24h$/);
    await chat.expect(/5\/5 · How many hourly records per page/);
    chat.send("100");
    chat.press(await chat.expect(/Filters: USDT · isolated · last 24 hours · 100 records per page/), /Records/);
    const first = await chat.expect(/Hourly records · USDT · isolated/);
    expect(first.text).toMatch(/did not fit in one message/);
    chat.press(first, /Older/);
    const older = await chat.expect(/Hourly records · USDT · isolated/);
    expect(older.message_id).toBe(first.message_id);
  }, 60_000);
});

describe.each(BEFORE_READINGS)("/interest with OKX reading `before` as %s", (reading) => {
  const account = fakeAccount({ name: `reads-${BEFORE_READINGS.indexOf(reading)}`, endTs: now, hours: 24 * 12 });
  let e2e: EndToEnd;
  beforeAll(async () => {
    e2e = await startEndToEnd(inject("redisUrl"), [account], { HISTORY_BUDGET_MS: "15000" }, { beforeReading: reading });
  }, 30_000);
  afterAll(() => e2e?.close());

  it("sums every record of the period exactly, first from OKX and then from the cache", async () => {
    const chat = e2e.newChat();
    await connect(chat, account);
    chat.send("/interest USDT 30d");
    const first = await chat.expect(/USDT interest · last 30 days[\s\S]*Updated/, 20_000);
    expect(first.text).toContain(`${expectedTotal(account.records, "USDT", 30 * 24 * HOUR_MS, Date.now())} USDT over`);
    await e2e.historyLoaded(account.uid);
    chat.send("/interest BTC 7d");
    const again = await chat.expect(/BTC interest · last 7 days[\s\S]*Updated/);
    expect(again.text).toContain(`${expectedTotal(account.records, "BTC", 7 * 24 * HOUR_MS, Date.now())} BTC over`);
  }, 60_000);
});
