import { parse } from "csv-parse/sync";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CSV_COLUMNS } from "../../src/domain/csv.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { chartSize } from "../../src/render/chart.js";
import { chatWith, type ChatDriver } from "../support/chat.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount, HOUR_MS } from "../support/fake-okx/index.js";
import type { StoredMessage } from "../support/fake-telegram/index.js";

const now = Date.now();
const accounts = {
  uma: fakeAccount({ name: "uma", endTs: now, hours: 24 * 10 }),
  vic: fakeAccount({ name: "vic", endTs: now, hours: 24 * 12 }),
  wes: fakeAccount({ name: "wes", endTs: now, hours: 24 * 365 }),
};
const DAY_MS = 24 * HOUR_MS;

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts), { HISTORY_BUDGET_MS: "15000" });
}, 30_000);
afterAll(() => e2e?.close());

/** Presses a button and waits for the photo or document the bot sends in answer. */
async function pressFor(chat: ChatDriver, message: StoredMessage, label: RegExp, method: "sendPhoto" | "sendDocument"): Promise<StoredMessage> {
  const from = e2e.telegram.calls().length;
  chat.press(message, label);
  const call = await e2e.telegram.waitFor((candidate) => candidate.method === method && candidate.response?.ok === true, 20_000, from);
  const sent = (call.response as { result: { message_id: number } }).result;
  return e2e.telegram.botMessages(chat.user.id).find((candidate) => candidate.message_id === sent.message_id)!;
}

const csvRows = (message: StoredMessage) => parse<Record<string, string>>(Buffer.from(message.file!.content!).toString("utf8"), { columns: true });
const byField = (record: InterestRecord) =>
  Object.fromEntries(CSV_COLUMNS.map((column) => [column, column === "ts" ? Number(record.ts) : record[column]]));

describe("charts and CSV", () => {
  it("sends a chart and the exact records under a summary, and leaves the summary as it was", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.uma);
    await e2e.redis.hset(`${e2e.prefix}prefs:${chat.user.id}`, "timeZone", "Europe/Berlin");
    chat.send("/interest USDT 7d");
    const summary = await chat.expect(/USDT interest · last 7 days/, 20_000);

    const photo = await pressFor(chat, summary, /📈 Chart/, "sendPhoto");
    expect(photo.caption).toMatch(/USDT · last 7 days: interest per day/);
    const png = PNG.sync.read(Buffer.from(photo.file!.content!));
    expect({ width: png.width, height: png.height }).toEqual(chartSize(1));
    expect(new Set(Array.from({ length: png.width * png.height }, (_, pixel) => png.data.readUInt32BE(pixel * 4))).size).toBeGreaterThan(100);

    const asked = Date.now();
    const document = await pressFor(chat, summary, /⬇ CSV/, "sendDocument");
    const answered = Date.now();
    expect(document.file?.filename).toMatch(/^okx-interest_uma-readonly_USDT_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
    expect(document.caption).toMatch(/every hourly record, times in UTC\+\d, Europe\/Berlin/);
    const rows = csvRows(document);
    // Times in the user's zone, to the millisecond; decimals exactly as OKX sent them.
    expect(rows[0]!.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000\+0[12]:00$/);
    const exported = rows.map((row) => ({ ...row, ts: Date.parse(row.ts!) }));
    const usdt = accounts.uma.records.filter((record) => record.ccy === "USDT").sort((a, b) => Number(a.ts) - Number(b.ts));
    // The bot's own "now" lies between asking and its answer: records surely in the window, and records possibly in it.
    const surely = usdt.filter((record) => Number(record.ts) >= answered - 7 * DAY_MS && Number(record.ts) <= asked).map(byField);
    const possibly = usdt.filter((record) => Number(record.ts) >= asked - 7 * DAY_MS && Number(record.ts) <= answered).map(byField);
    expect(exported.length).toBeGreaterThanOrEqual(surely.length);
    expect(possibly).toEqual(expect.arrayContaining(exported));
    expect(exported).toEqual(expect.arrayContaining(surely));

    // The loading notes make way for the answers; the summary is untouched.
    const loading = () => chat.transcript().some((text) => /Drawing the chart|Preparing the CSV/.test(text));
    for (const deadline = Date.now() + 5_000; loading() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loading()).toBe(false);
    const current = e2e.telegram.botMessages(chat.user.id).find((message) => message.message_id === summary.message_id)!;
    expect(current.text).toBe(summary.text);
  }, 60_000);

  it("/chart and /export take the arguments of /interest", async () => {
    const chat = e2e.newChat();
    chat.send("/export");
    await chat.expect(/No OKX key is connected yet/);
    const answers = e2e.telegram.calls("sendMessage").filter((call) => String(call.params.chat_id) === String(chat.user.id));
    expect(answers.map((call) => String(call.params.text))).toEqual([expect.stringMatching(/^No OKX key is connected yet/)]);
    await connect(chat, accounts.vic);
    chat.send("/chart 5d");
    await chat.expect(/“5d” is not a period I know/);

    const from = e2e.telegram.calls().length;
    chat.send("/chart 7d");
    const call = await e2e.telegram.waitFor((candidate) => candidate.method === "sendPhoto" && candidate.response?.ok === true, 20_000, from);
    const sent = (call.response as { result: { message_id: number } }).result;
    const photo = e2e.telegram.botMessages(chat.user.id).find((message) => message.message_id === sent.message_id)!;
    const png = PNG.sync.read(Buffer.from(photo.file!.content!));
    // Three currencies, one panel each.
    expect({ width: png.width, height: png.height }).toEqual(chartSize(3));

    chat.send("/export ETH isolated 24h");
    const document = await e2e.telegram.waitFor((candidate) => candidate.method === "sendDocument" && candidate.response?.ok === true, 20_000, from);
    const stored = e2e.telegram
      .botMessages(chat.user.id)
      .find((message) => message.message_id === (document.response as { result: { message_id: number } }).result.message_id)!;
    expect(stored.file?.filename).toMatch(/^okx-interest_vic-readonly_ETH_isolated_/);
    const rows = csvRows(stored);
    expect(rows.length).toBeGreaterThanOrEqual(23);
    expect(rows.every((row) => row.ccy === "ETH" && row.mgnMode === "isolated" && row.instId === "ETH-USDT")).toBe(true);

    chat.send("/export DOGE");
    await chat.expect(/No records in this period: nothing to export/);

    // Malformed or forged chart and export data draw nothing.
    const sends = e2e.telegram.calls("sendPhoto").length + e2e.telegram.calls("sendDocument").length;
    for (const data of ["ch:5d:-:-:-", "ex:7d:DOGE:x:-", "ch:7d:-:-:-:a1:b2", "ex:7d:US$T:-:-"]) {
      const id = e2e.telegram.forgeButton(chat.user, photo, data);
      await e2e.telegram.waitFor((call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === id);
      expect(e2e.telegram.callbackAnswer(id)?.text).toBe("This button belongs to an earlier message.");
    }
    expect(e2e.telegram.calls("sendPhoto").length + e2e.telegram.calls("sendDocument").length).toBe(sends);
  }, 60_000);

  it("shows progress on a long first chart, then draws what is held and says so", async () => {
    const chat = e2e.newChat();
    await connect(chat, accounts.wes);
    const from = e2e.telegram.calls().length;
    chat.send("/chart USDT 1y");
    await chat.expect(/Loading your history from OKX: back to/, 15_000);
    const call = await e2e.telegram.waitFor((candidate) => candidate.method === "sendPhoto" && candidate.response?.ok === true, 40_000, from);
    expect(String(call.params.caption)).toMatch(/History held from .* on; the rest is still loading/);
  }, 60_000);

  it("sends neither in a group, pointing to a private chat", async () => {
    const group = chatWith(e2e.telegram, e2e.telegram.user(999_101, { first_name: "Member" }), e2e.telegram.group(-5151, "Traders"));
    for (const command of ["/chart USDT", "/export"]) {
      group.send(command);
      await group.expect(/only take API keys in a private chat.*start=interest/);
    }
    expect(e2e.telegram.botMessages(-5151).some((message) => message.file !== undefined)).toBe(false);
  });
});
