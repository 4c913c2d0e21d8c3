import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InterestCache } from "../../src/store/interest-cache.js";
import { fillCache } from "../support/cache.js";
import { connect, startEndToEnd, type EndToEnd } from "../support/e2e.js";
import { DEFAULT_LINES, fakeAccount } from "../support/fake-okx/index.js";

// Five people, each with a year of three currencies, and a pool that draws one chart at a time and lets none wait.
const now = Date.now();
const accounts = Array.from({ length: 5 }, (_, index) =>
  fakeAccount({ name: `busy-${index}`, endTs: now, hours: 24 * 365, lines: DEFAULT_LINES.slice(0, 3) }),
);

let e2e: EndToEnd;
beforeAll(async () => {
  e2e = await startEndToEnd(inject("redisUrl"), accounts, { CHART_THREADS: "1", CHART_QUEUE: "0" });
  // Their years are held already, as after an earlier question: each chart is drawn from the cache.
  const cache = new InterestCache(e2e.redis, e2e.prefix);
  for (const account of accounts) {
    await fillCache(cache, account.uid, account.records, { from: Number(account.records.at(-1)!.ts), to: Number(account.records[0]!.ts) });
  }
}, 60_000);
afterAll(() => e2e?.close());

describe("charts when the pool is full", () => {
  it("tells the person plainly to ask again, in place of the loading note, and draws the others", async () => {
    const chats = accounts.map(() => e2e.newChat());
    await Promise.all(chats.map((chat, index) => connect(chat, accounts[index]!)));
    await Promise.all(accounts.map((account) => e2e.historyLoaded(account.uid)));

    // All at once: a one-year chart takes the only thread for a good while, so some find it busy.
    for (const chat of chats) chat.send("/chart 1y");
    const outcomes = await Promise.all(
      chats.map(async (chat) => {
        const answer = await chat.expect(/Many charts are being drawn right now: ask again in a minute\.|interest per day/, 40_000);
        return answer.text === undefined ? "photo" : answer.text;
      }),
    );
    expect(outcomes).toContain("photo");
    expect(outcomes).toContain("Many charts are being drawn right now: ask again in a minute.");
    // The loading note makes way once the photo is sent (a moment after it, on a busy machine).
    const loading = () => chats.some((chat) => chat.transcript().some((text) => /Drawing the chart/.test(text)));
    for (const deadline = Date.now() + 5_000; loading() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const chat of chats) {
      // One answer each, and no loading note left behind.
      expect(chat.transcript().filter((text) => /Drawing the chart|interest per day|Many charts are being drawn/.test(text))).toHaveLength(1);
    }
  }, 90_000);
});
