import type { ApiCallFn } from "grammy";
import { describe, expect, it } from "vitest";
import { perChat, sendWindow } from "../../src/bot/send-window.js";

describe("the send window", () => {
  it("lets calls out at once while there is room, never more than the limit in any sliding window, in order", async () => {
    const window = sendWindow(10, 200);
    const started: { at: number; chat: unknown }[] = [];
    const wire = ((_method: string, payload: { chat_id?: unknown }) => {
      started.push({ at: Date.now(), chat: payload.chat_id });
      return Promise.resolve({ ok: true, result: true });
    }) as unknown as ApiCallFn;
    const begun = Date.now();
    await Promise.all(Array.from({ length: 25 }, (_, index) => window(wire, "sendMessage", { chat_id: index, text: "hi" })));
    expect(started.map((call) => call.chat)).toEqual(Array.from({ length: 25 }, (_, index) => index));
    expect(started.slice(0, 10).every((call) => call.at - begun < 50)).toBe(true);
    for (const [index, call] of started.entries()) {
      expect(started.filter((other) => other.at >= call.at && other.at < call.at + 200).length, `window from call ${index}`).toBeLessThanOrEqual(10);
    }
    expect(started.at(-1)!.at - begun).toBeGreaterThanOrEqual(400);

    // Calls to no chat (answering a button press, say) do not wait.
    const at = Date.now();
    await window(wire, "answerCallbackQuery", { callback_query_id: "1" });
    expect(Date.now() - at).toBeLessThan(50);
  });
});

describe("the per-chat throttle", () => {
  it("sends to one chat one call at a time, in order, while other chats go at once; a group at most its limit in any window", async () => {
    const throttle = perChat(3, 300);
    const log: string[] = [];
    const starts: { chat: string; at: number }[] = [];
    const wire = (async (method: string, payload: { chat_id: number; text: string }) => {
      log.push(`start ${payload.chat_id} ${payload.text}`);
      starts.push({ chat: String(payload.chat_id), at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`end ${payload.chat_id} ${payload.text}`);
      return { ok: true, result: method };
    }) as unknown as ApiCallFn;
    const send = (chat: number, text: string) => throttle(wire, "sendMessage", { chat_id: chat, text });
    const begun = Date.now();
    await Promise.all([send(1, "a"), send(1, "b"), send(2, "c"), ...[1, 2, 3, 4, 5].map((n) => send(-100, `g${n}`))]);
    // Chat 1's second call starts only once its first has ended; chat 2 does not wait for chat 1.
    expect(log.indexOf("start 1 b")).toBeGreaterThan(log.indexOf("end 1 a"));
    expect(log.indexOf("start 2 c")).toBeLessThan(log.indexOf("end 1 a"));
    expect(log.filter((line) => line.startsWith("start -100"))).toEqual(["g1", "g2", "g3", "g4", "g5"].map((text) => `start -100 ${text}`));
    const group = starts.filter((start) => start.chat === "-100").map((start) => start.at);
    for (const at of group) expect(group.filter((other) => other >= at && other < at + 300).length).toBeLessThanOrEqual(3);
    expect(group[3]! - begun).toBeGreaterThanOrEqual(290);
  });

  it("hands a failed call's error to its caller only: the next call to the chat goes, and nothing rejects unseen", async () => {
    const throttle = perChat();
    const unseen: unknown[] = [];
    const onUnhandled = (reason: unknown) => unseen.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const failing = (() => Promise.reject(new Error("the wire broke"))) as unknown as ApiCallFn;
    const working = (() => Promise.resolve({ ok: true, result: true })) as unknown as ApiCallFn;
    await expect(throttle(failing, "sendMessage", { chat_id: 5, text: "a" })).rejects.toThrow("the wire broke");
    expect(await throttle(working, "sendMessage", { chat_id: 5, text: "b" })).toEqual({ ok: true, result: true });
    await expect(throttle(failing, "sendMessage", { chat_id: 6, text: "c" })).rejects.toThrow("the wire broke");
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off("unhandledRejection", onUnhandled);
    expect(unseen).toEqual([]);
  });
});
