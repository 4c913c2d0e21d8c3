import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fillCache } from "../support/cache.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { fakeAccount } from "../support/fake-okx/index.js";
import { WIDE_LINES } from "../support/wide-account.js";

// A year of twenty lines (about 175,000 records: a second or more of building), and a small account; one
// export built at a time and none waiting.
const now = Date.now();
const wide = fakeAccount({ name: "exports-wide", endTs: now, hours: 24 * 365, lines: WIDE_LINES.slice(0, 20) });
const small = fakeAccount({ name: "exports-small", endTs: now, hours: 24 * 10 });

let e2e: EndToEnd;
let temp: string;
beforeAll(async () => {
  // The bot's own temp folder, to see what it leaves behind.
  temp = await mkdtemp(join(tmpdir(), "exports-test-"));
  e2e = await startEndToEnd(inject("redisUrl"), [wide, small], { EXPORT_THREADS: "1", EXPORT_QUEUE: "0", TMPDIR: temp });
  // The wide year is held already, as after an earlier question.
  await fillCache(new InterestCache(e2e.redis, e2e.prefix), wide.uid, wide.records, {
    from: Number(wide.records.at(-1)!.ts),
    to: Number(wide.records[0]!.ts),
  });
}, 120_000);
afterAll(async () => {
  await e2e?.close();
  await rm(temp, { recursive: true, force: true });
});

/** Resolves once the bot's temp folder holds no export's files. */
async function noExportFiles(): Promise<void> {
  const left = async () => (await readdir(temp)).filter((name) => name.startsWith("okxi-export-"));
  for (const deadline = Date.now() + 5_000; (await left()).length > 0 && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await left()).toEqual([]);
}

describe("exports in the pool", () => {
  it("tells the person plainly to ask again when the pool is full, in place of the loading note, builds the others and leaves no file", async () => {
    // Three chats of the same key: one person's updates are handled one at a time.
    const chats = [e2e.newChat(), e2e.newChat(), e2e.newChat()];
    for (const chat of chats) await connect(chat, wide);
    await e2e.historyLoaded(wide.uid);

    for (const chat of chats) chat.send("/export 1y");
    const outcomes = await Promise.all(
      chats.map(async (chat) => {
        const answer = await chat.expect(/Many exports are being prepared right now: ask again in a minute\.|every hourly record/, 60_000);
        return answer.file === undefined ? answer.text : "document";
      }),
    );
    expect(outcomes).toContain("document");
    expect(outcomes).toContain("Many exports are being prepared right now: ask again in a minute.");
    // The loading note makes way once the document is sent.
    const loading = () => chats.some((chat) => chat.transcript().some((text) => /Preparing the CSV/.test(text)));
    for (const deadline = Date.now() + 5_000; loading() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const chat of chats) {
      // One answer each, and no loading note left behind.
      expect(chat.transcript().filter((text) => /Preparing the CSV|every hourly record|Many exports are being prepared/.test(text))).toHaveLength(1);
    }
    await noExportFiles();
  }, 120_000);

  it("says there is nothing to export for a view with no records", async () => {
    const chat = e2e.newChat();
    await connect(chat, small);
    await e2e.historyLoaded(small.uid);
    chat.send("/export DOGE");
    await chat.expect(/No records in this period: nothing to export/);
    expect(chat.transcript().some((text) => /Preparing the CSV/.test(text))).toBe(false);
    await noExportFiles();
  }, 60_000);

  it("removes the export's files when sending it fails", async () => {
    const chat = e2e.newChat();
    await connect(chat, small);
    await e2e.historyLoaded(small.uid);
    const from = e2e.telegram.calls().length;
    e2e.telegram.failNext("sendDocument", 1, { code: 400, description: "Bad Request: file must be non-empty" });
    chat.send("/export");
    await e2e.telegram.waitFor((call) => call.method === "sendDocument" && call.response?.ok === false, 20_000, from);
    await noExportFiles();
  }, 60_000);
});
