import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { LongPolling, POLL_SUPERSEDED, WEBHOOK_ACTIVE } from "../support/fake-telegram/long-polling.js";
import { UpdateQueue } from "../support/fake-telegram/updates.js";

const chat = { id: 1, type: "private" as const, first_name: "Ann" };
const message = (text: string) => ({ message: { message_id: 1, date: 0, chat, from: { id: 1, is_bot: false, first_name: "Ann" }, text } });
const texts = (updates: Update[]) => updates.map((update) => update.message?.text);

function polling(state = { webhookActive: false, closing: false }) {
  const updates = new UpdateQueue();
  const poll = new LongPolling(updates, { webhookActive: () => state.webhookActive, closing: () => state.closing });
  return { updates, poll, state, signal: new AbortController().signal };
}

describe("the update queue", () => {
  it("numbers updates from 1 and leaves out the opt-in kinds unless allowed_updates names them", () => {
    const updates = new UpdateQueue();
    const member = { chat_member: {} } as Omit<Update, "update_id">;
    expect(updates.add(message("a"))).toBe(true);
    expect(updates.add(member)).toBe(false);
    updates.setAllowed(["chat_member"]);
    expect(updates.add(message("b"))).toBe(false);
    expect(updates.add(member)).toBe(true);
    expect(updates.allowedKinds()).toEqual(["chat_member"]);
    // Not a list: the last one stays.
    updates.setAllowed(undefined);
    expect(updates.allowedKinds()).toEqual(["chat_member"]);
    expect(updates.oldest(10).map((update) => update.update_id)).toEqual([1, 2]);
  });

  it("confirms updates below a positive offset, and keeps only the last -offset for a negative one", () => {
    const updates = new UpdateQueue();
    for (const text of ["a", "b", "c", "d"]) updates.add(message(text));
    updates.confirm(2);
    expect(texts(updates.oldest(10))).toEqual(["b", "c", "d"]);
    updates.confirm(-1);
    expect(texts(updates.oldest(10))).toEqual(["d"]);
    updates.confirm(0);
    expect(updates.size).toBe(1);
  });
});

describe("long polling", () => {
  it("answers at once with what is pending, up to the limit, and hands it out again until confirmed", async () => {
    const { updates, poll, signal } = polling();
    for (const text of ["a", "b", "c"]) updates.add(message(text));
    expect(texts(await poll.getUpdates({ limit: 2, timeout: 30 }, signal))).toEqual(["a", "b"]);
    expect(texts(await poll.getUpdates({}, signal))).toEqual(["a", "b", "c"]);
    expect(texts(await poll.getUpdates({ offset: 3 }, signal))).toEqual(["c"]);
  });

  it("holds a poll until it is woken for a new update", async () => {
    const { updates, poll, signal } = polling();
    const started = Date.now();
    const answer = poll.getUpdates({ timeout: 30 }, signal);
    setTimeout(() => {
      updates.add(message("hello"));
      poll.wake();
    }, 50);
    expect(texts(await answer)).toEqual(["hello"]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("answers an empty list when its timeout ends, and does not wait without one", async () => {
    const { poll, signal } = polling();
    expect(await poll.getUpdates({ timeout: 0 }, signal)).toEqual([]);
    const started = Date.now();
    expect(await poll.getUpdates({ timeout: 1 }, signal)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("ends the waiting poll with a conflict when a newer one comes", async () => {
    const { updates, poll, signal } = polling();
    const first = poll.getUpdates({ timeout: 30 }, signal);
    const second = poll.getUpdates({ timeout: 30 }, signal);
    await expect(first).rejects.toMatchObject({ code: 409, description: POLL_SUPERSEDED });
    updates.add(message("for the second"));
    poll.wake();
    expect(texts(await second)).toEqual(["for the second"]);
  });

  it("stops waiting when the client leaves", async () => {
    const { poll } = polling();
    const left = new AbortController();
    const answer = poll.getUpdates({ timeout: 30 }, left.signal);
    left.abort();
    expect(await answer).toEqual([]);
  });

  it("refuses to poll while a webhook is set, also when one is set during the wait", async () => {
    const { poll, state, signal } = polling();
    state.webhookActive = true;
    await expect(poll.getUpdates({}, signal)).rejects.toMatchObject({ code: 409, description: WEBHOOK_ACTIVE });
    state.webhookActive = false;
    const waiting = poll.getUpdates({ timeout: 30 }, signal);
    state.webhookActive = true;
    poll.wake();
    await expect(waiting).rejects.toMatchObject({ code: 409, description: WEBHOOK_ACTIVE });
  });

  it("does not wait while the fake closes", async () => {
    const { poll, state, signal } = polling();
    state.closing = true;
    const started = Date.now();
    expect(await poll.getUpdates({ timeout: 30 }, signal)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
