import type { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALERT_QUEUE } from "../../src/alerts/schedule.js";
import { connect, digestQueueOf, disposeQueue, eventually, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";

const LINES = [{ ccy: "USDT", mgnMode: "cross" as const, instId: "", liability: 2500, hourlyRate: 0.0000040833 }];
const account = fakeAccount({ name: "alerts-bot", hours: 24 * 10, lines: LINES });

let e2e: EndToEnd;
let queue: Queue;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), [account]);
  queue = digestQueueOf(e2e, ALERT_QUEUE);
}, 30_000);
afterAll(async () => {
  await disposeQueue(queue);
  await e2e?.close();
});

/** The text of the bot's answer to a press. */
async function answerTo(id: string): Promise<unknown> {
  const call = await e2e.telegram.waitFor((candidate) => candidate.method === "answerCallbackQuery" && candidate.params.callback_query_id === id);
  return call.params.text;
}

describe("/alerts", () => {
  it("is off until a rule is set; levels and quiet hours are typed, a bad one answered with an example, rules removed", async () => {
    const chat = e2e.newChat("en");
    chat.send("/alerts");
    let settings = await chat.expect(/Alerts when borrowing turns expensive/);
    expect(settings.text).toContain("No alerts set");
    expect(settings.text).toContain("No quiet hours");

    chat.press(settings, /Yearly rate/);
    await chat.expect(/Send the yearly rate to be alerted at/);
    chat.send("a lot");
    await chat.expect(/I did not understand that rate/);
    chat.send("30 % BTC");
    await chat.expect(/Saved/);
    settings = await chat.expect(/Yearly rate at or above 30 % · BTC/);

    chat.press(settings, /Spike/);
    await chat.expect(/how many times its 7-day average/);
    chat.send("3");
    settings = await chat.expect(/Hourly rate at 3× its 7-day average · every currency/);
    expect(settings.text).toContain("Yearly rate at or above 30 % · BTC");

    chat.press(settings, /Quiet hours/);
    await chat.expect(/Send your quiet hours/);
    chat.send("22:00");
    await chat.expect(/I did not understand those hours/);
    chat.send("22:00-07:00");
    settings = await chat.expect(/Quiet hours 22:00–07:00/);

    chat.press(settings, /yearly · BTC/);
    settings = await chat.expect(/^(?![\s\S]*Yearly rate at or above)[\s\S]*Hourly rate at 3×/);
    chat.press(settings, /spike · \*/);
    settings = await chat.expect(/No alerts set/);
    // Text typed with nothing awaited is not taken as a level.
    chat.send("25");
    await chat.expect(/./);
    expect(await e2e.redis.sismember(`${e2e.prefix}alerts:users`, String(chat.user.id))).toBe(0);
  });

  it("an hour's check sends an alert for a line at its level, with buttons that snooze it and turn it off", async () => {
    const chat = e2e.newChat("en");
    await connect(chat, account);
    await e2e.historyLoaded(account.uid);
    chat.send("/alerts");
    chat.press(await chat.expect(/Alerts when borrowing turns expensive/), /Yearly rate/);
    await chat.expect(/Send the yearly rate/);
    // The account borrows USDT at about 3.6 % a year.
    chat.send("1");
    await chat.expect(/Yearly rate at or above 1 % · every currency/);

    await queue.add("hour", { kind: "hour" }, { jobId: `hour-${chat.user.id}` });
    const alert = await chat.expect(/Borrowing turned expensive/, 20_000);
    expect(alert.text).toMatch(/USDT cross · alerts-bot-readonly/);
    expect(alert.text).toMatch(/Yearly rate [\d.]+ %: at or above your 1 %/);
    expect(alert.text).toMatch(/Next 24 h at this rate ≈ [\d.,]+ USDT/);

    // A restart, and the hour's job once more (as each replica's start upserts it): the hour was evaluated, nothing is sent again.
    expect(await e2e.restart()).toBe(0);
    await queue.add("hour", { kind: "hour" }, { jobId: `hour-again-${chat.user.id}` });
    await eventually(async () => (await queue.getJobCounts("waiting", "active", "delayed")).waiting === 0 && (await queue.getActiveCount()) === 0);
    const checks = (await queue.getCompleted())
      .filter((job) => job.name === "check" && (job.data as { userId: number }).userId === chat.user.id)
      .sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
    // The first hour decided and sent the alert; the second found that hour evaluated.
    expect(checks.map((job): unknown => job.returnvalue)).toEqual([
      { checked: 1, decided: 1, sent: 1 },
      { checked: 0, decided: 0, sent: 0 },
    ]);
    expect(chat.transcript().filter((text) => text.includes("Borrowing turned expensive"))).toHaveLength(1);

    expect(await answerTo(chat.press(alert, /24 h$/))).toMatch(/Snoozed for 24 hours/);
    const snoozes = await e2e.redis.hgetall(`${e2e.prefix}alerts:snooze:${chat.user.id}`);
    expect(Object.keys(snoozes)).toEqual([`${account.uid}@yearly:*@USDT|cross|`]);

    expect(await answerTo(chat.press(alert, /Turn off/))).toMatch(/That alert is off/);
    expect(await answerTo(chat.press(alert, /Turn off/))).toMatch(/off already/);
    chat.send("/alerts");
    await chat.expect(/No alerts set/);
  });
});
