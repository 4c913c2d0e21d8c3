import { afterEach, describe, expect, it, vi } from "vitest";
import {
  checkCaption,
  checkMessageText,
  checkPhotoDimensions,
  checkUploadSize,
  FloodControl,
  isValidCallbackData,
  pollLimit,
} from "../support/fake-telegram/limits.js";
import { replyMarkup } from "../support/fake-telegram/markup.js";
import { failureOf } from "./failure.js";

const MB = 1024 * 1024;
const badRequest = (detail: string) => ({ code: 400, description: `Bad Request: ${detail}` });
const TOO_LARGE = { code: 413, description: "Request Entity Too Large" };

describe("Telegram's limits", () => {
  it("takes texts of 1 to 4096 UTF-16 units", () => {
    expect(() => checkMessageText("x".repeat(4096))).not.toThrow();
    expect(failureOf(() => checkMessageText("x".repeat(4097)))).toEqual(badRequest("message is too long"));
    expect(() => checkMessageText("💰".repeat(2048))).not.toThrow();
    expect(failureOf(() => checkMessageText("💰".repeat(2048) + "x"))).toEqual(badRequest("message is too long"));
    expect(failureOf(() => checkMessageText(""))).toEqual(badRequest("message text is empty"));
  });

  it("takes captions of up to 1024", () => {
    expect(() => checkCaption("x".repeat(1024))).not.toThrow();
    expect(failureOf(() => checkCaption("x".repeat(1025)))).toEqual(badRequest("message caption is too long"));
  });

  it("takes callback data of 1 to 64 UTF-8 bytes, on buttons the bot sends too", () => {
    expect(isValidCallbackData("d".repeat(64))).toBe(true);
    expect(isValidCallbackData("ж".repeat(32))).toBe(true);
    expect(isValidCallbackData("ж".repeat(32) + "d")).toBe(false);
    expect(isValidCallbackData("")).toBe(false);
    const keyboard = (data: string) => ({ inline_keyboard: [[{ text: "Go", callback_data: data }]] });
    expect(replyMarkup(keyboard("d".repeat(64)))).toEqual(keyboard("d".repeat(64)));
    expect(failureOf(() => replyMarkup(keyboard("d".repeat(65))))).toEqual(badRequest("BUTTON_DATA_INVALID"));
    expect(failureOf(() => replyMarkup(keyboard("")))).toEqual(badRequest("BUTTON_DATA_INVALID"));
  });

  it("takes uploads of photos up to 10 MB and other files up to 50 MB, none empty", () => {
    expect(() => checkUploadSize("photo", 10 * MB)).not.toThrow();
    expect(failureOf(() => checkUploadSize("photo", 10 * MB + 1))).toEqual(TOO_LARGE);
    expect(() => checkUploadSize("document", 50 * MB)).not.toThrow();
    expect(failureOf(() => checkUploadSize("document", 50 * MB + 1))).toEqual(TOO_LARGE);
    expect(failureOf(() => checkUploadSize("document", 0))).toEqual(badRequest("file must be non-empty"));
  });

  it("takes photos of up to 10,000 px in width and height together, neither side over 20 times the other", () => {
    expect(() => checkPhotoDimensions({ width: 5000, height: 5000 })).not.toThrow();
    expect(failureOf(() => checkPhotoDimensions({ width: 5001, height: 5000 }))).toEqual(badRequest("PHOTO_INVALID_DIMENSIONS"));
    expect(() => checkPhotoDimensions({ width: 100, height: 2000 })).not.toThrow();
    expect(failureOf(() => checkPhotoDimensions({ width: 100, height: 2001 }))).toEqual(badRequest("PHOTO_INVALID_DIMENSIONS"));
  });

  it("hands out 1 to 100 updates a poll, 100 unless asked for fewer", () => {
    expect([undefined, 0, -3, 7, 100, 500].map(pollLimit)).toEqual([100, 1, 1, 7, 100, 100]);
  });
});

describe("flood control", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const at = (ms: number) => vi.setSystemTime(ms);

  it("lets through the cap in any sliding second and answers 429 with retry_after beyond it, without delivering", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const flood = new FloodControl(2);
    let delivered = 0;
    const deliver = () => ++delivered;
    at(0);
    flood.run(deliver);
    at(400);
    flood.run(deliver);
    at(999);
    expect(failureOf(() => flood.run(deliver))).toEqual({ code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    // The first delivery leaves the window a second after it.
    at(1000);
    expect(flood.run(deliver)).toBe(3);
    expect(failureOf(() => flood.run(deliver)).code).toBe(429);
    expect(delivered).toBe(3);
    expect(flood.stats()).toEqual({ delivered: 3, rejected: 2, busiestSecond: 2 });
  });

  it("counts no delivery that failed", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const flood = new FloodControl(1);
    at(0);
    expect(() =>
      flood.run(() => {
        throw new Error("chat not found");
      }),
    ).toThrow("chat not found");
    expect(flood.run(() => "sent")).toBe("sent");
    expect(flood.stats()).toEqual({ delivered: 1, rejected: 0, busiestSecond: 1 });
  });

  it("without a cap lets everything through and measures the busiest second", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const flood = new FloodControl(undefined);
    for (const ms of [0, 500, 999, 1000, 1500, 3000]) {
      at(ms);
      flood.run(() => undefined);
    }
    expect(flood.stats()).toEqual({ delivered: 6, rejected: 0, busiestSecond: 3 });
  });
});
