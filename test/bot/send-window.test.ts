import type { ApiCallFn } from "grammy";
import { describe, expect, it } from "vitest";
import { sendWindow } from "../../src/bot/send-window.js";

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
