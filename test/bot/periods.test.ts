import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { Decimal, formatAmount } from "../../src/domain/money.js";
import { calendarSpan, periodRange } from "../../src/domain/period.js";
import { formatMonth } from "../../src/domain/time.js";
import type { ChatDriver } from "../support/chat.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { DEFAULT_LINES, fakeAccount } from "../support/fake-okx/index.js";
import type { StoredMessage } from "../support/fake-telegram/index.js";

const ZONE = "Asia/Shanghai";
// One line for 65 days: all of last month, whatever today is.
const account = fakeAccount({ name: "mona", endTs: Date.now(), hours: 24 * 65, lines: DEFAULT_LINES.slice(0, 1) });

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), [account], { HISTORY_BUDGET_MS: "15000" });
}, 30_000);
afterAll(() => e2e?.close());

/** Last month on Shanghai's clock, as typed (`2026-11`) and named (`November 2026`), and its records. */
function lastMonth() {
  const { year, month } = calendarSpan("last-month", Date.now(), ZONE);
  const { from, end } = periodRange("last-month", Date.now(), ZONE);
  const records = account.records.filter((record) => Number(record.ts) >= from && Number(record.ts) <= end);
  const total = records.reduce((sum, record) => sum.plus(record.interest), new Decimal(0));
  return { typed: `${year}-${String(month).padStart(2, "0")}`, name: formatMonth(year, month, "en"), records, total: formatAmount(total, "USDT") };
}

async function documentAfter(chat: ChatDriver, act: () => void): Promise<StoredMessage> {
  const from = e2e.telegram.calls().length;
  act();
  const call = await e2e.telegram.waitFor((candidate) => candidate.method === "sendDocument" && candidate.response?.ok === true, 20_000, from);
  const sent = (call.response as { result: { message_id: number } }).result;
  return e2e.telegram.botMessages(chat.user.id).find((message) => message.message_id === sent.message_id)!;
}

const csvTimes = (document: StoredMessage) =>
  parse<Record<string, string>>(Buffer.from(document.file!.content!).toString("utf8"), { columns: true }).map((row) => Date.parse(row.ts!));
const timesOf = (records: readonly InterestRecord[]) => records.map((record) => Number(record.ts)).sort((a, b) => a - b);

describe("calendar periods end to end", () => {
  it("/interest USDT 2026-11 sums the month on the person's clock; its buttons, records and CSV keep the month; /export takes it too", async () => {
    const chat = e2e.newChat();
    await connect(chat, account);
    await e2e.redis.hset(`${e2e.prefix}prefs:${chat.user.id}`, "timeZone", ZONE);
    await e2e.historyLoaded(account.uid);
    const month = lastMonth();

    chat.send(`/interest USDT ${month.typed}`);
    const summary = await chat.expect(new RegExp(`USDT interest · ${month.name}`), 20_000);
    expect(summary.text).toContain(`${month.total} USDT over ${month.records.length} h`);
    // The month is over: its rate and debt at its end, nothing projected.
    expect(summary.text).toMatch(/End rate\s+/);
    expect(summary.text).not.toMatch(/Next 30 d|Rate now/);

    chat.press(summary, /^Last month$/);
    const relative = await chat.expect(/USDT interest · last month/, 20_000);
    expect(relative.message_id).toBe(summary.message_id);
    expect(relative.text).toContain(`${month.total} USDT over ${month.records.length} h`);

    chat.press(relative, /📜 Records/);
    const records = await chat.expect(/Hourly records · USDT · last month/);
    const rows = (records.text ?? "").split("\n").filter((line) => /^\d{1,2} \w{3} \d\d:\d\d +USDT /.test(line));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes(` ${month.name.slice(0, 3)} `))).toBe(true);
    const from = e2e.telegram.calls().length;
    chat.press(records, /« Back/);
    const back = await e2e.telegram.waitFor((call) => call.method === "editMessageText", 20_000, from);
    expect(String(back.params.text)).toContain(`${month.total} USDT over ${month.records.length} h`);

    const current = e2e.telegram.botMessages(chat.user.id).find((message) => message.message_id === summary.message_id)!;
    const pressed = await documentAfter(chat, () => chat.press(current, /⬇ CSV/));
    expect(pressed.caption).toContain("USDT · last month: every hourly record");
    expect(csvTimes(pressed)).toEqual(timesOf(month.records));

    const typed = await documentAfter(chat, () => chat.send(`/export ${month.typed}`));
    expect(typed.caption).toContain(`All currencies · ${month.name}: every hourly record`);
    expect(csvTimes(typed)).toEqual(timesOf(month.records));
  }, 90_000);

  it("answers calendar periods it cannot show in plain words", async () => {
    const chat = e2e.newChat();
    await connect(chat, account);
    chat.send("/interest USDT 2026-13");
    await chat.expect(/“2026-13” is not a period I know: .*a month like 2026-11/);
    chat.send("/interest 2099-01");
    await chat.expect(/That period has not begun yet/);
    chat.send("/export 2020");
    await chat.expect(/That period ended before the history I keep: the last 730 days\./);
  }, 30_000);
});
