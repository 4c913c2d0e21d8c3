import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBotProcess } from "../support/bot-process.js";
import type { ChatDriver } from "../support/chat.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";

const now = Date.now();
const accounts = {
  killed: fakeAccount({ name: "killed", endTs: now, hours: 24 * 3 }),
  drawn: fakeAccount({ name: "drawn", endTs: now, hours: 24 * 3 }),
  late: fakeAccount({ name: "late", endTs: now, hours: 24 * 3 }),
};
const LEASE_MS = 1_500;

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), Object.values(accounts), { ANSWER_LEASE_MS: String(LEASE_MS), SHUTDOWN_TIMEOUT_MS: "1000" });
}, 30_000);
afterAll(async () => {
  await e2e?.close();
});

/** Resolves once the bot has registered this many answers in progress. */
async function inProgress(count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await e2e.redis.hlen(`${e2e.prefix}pending`)) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} answers in progress`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function connected(account: (typeof accounts)[keyof typeof accounts]): Promise<ChatDriver> {
  const chat = e2e.newChat();
  await connect(chat, account);
  await e2e.historyLoaded(account.uid);
  return chat;
}

describe("an answer whose process dies", () => {
  it("SIGKILL mid-/interest: the next process to start edits 'Asking OKX…' to say it was interrupted, and its button asks again", async () => {
    const chat = await connected(accounts.killed);
    okx().inject({ kind: "slow", ms: 20_000 }, 1);
    chat.send("/interest 24h");
    const loading = await chat.expect(/Asking OKX/);
    await inProgress(1);
    expect(await e2e.bot.stop("SIGKILL")).toBe(null);
    e2e.bot = await startBotProcess(e2e.env);
    const interrupted = await chat.expect(/cut short/, 10_000);
    expect(interrupted.message_id).toBe(loading.message_id);
    // The sweeper edits the message, then ends the entry: the edit can be seen a moment before.
    await expect.poll(() => e2e.redis.hlen(`${e2e.prefix}pending`)).toBe(0);
    chat.press(interrupted, /Ask again/);
    const answer = await chat.expect(/interest · last 24 hours/, 30_000);
    expect(answer.message_id).toBe(loading.message_id);
    expect(chat.transcript().filter((text) => /Asking OKX|Loading/.test(text))).toEqual([]);
  }, 60_000);

  it("SIGKILL mid-/chart: 'Drawing the chart…' says it was interrupted, and its button draws the chart", async () => {
    const chat = await connected(accounts.drawn);
    okx().inject({ kind: "slow", ms: 20_000 }, 1);
    chat.send("/chart 24h");
    await chat.expect(/Drawing the chart/);
    await inProgress(1);
    await e2e.bot.stop("SIGKILL");
    e2e.bot = await startBotProcess(e2e.env);
    const interrupted = await chat.expect(/cut short/, 10_000);
    chat.press(interrupted, /Ask again/);
    await chat.expect(/interest per day|USDT/, 30_000);
    const photos = e2e.telegram.calls("sendPhoto").filter((call) => call.params.chat_id === chat.user.id);
    expect(photos).toHaveLength(1);
  }, 60_000);

  it("SIGTERM with an answer still running at the shutdown timeout: the stopping process says so itself", async () => {
    const chat = await connected(accounts.late);
    okx().inject({ kind: "slow", ms: 8_000 }, 1);
    chat.send("/interest 24h");
    const loading = await chat.expect(/Asking OKX/);
    await inProgress(1);
    await e2e.bot.stop("SIGTERM");
    const interrupted = await chat.expect(/cut short/, 1_000);
    expect(interrupted.message_id).toBe(loading.message_id);
    e2e.bot = await startBotProcess(e2e.env);
  }, 60_000);
});

const okx = () => e2e.okx;
