import { HttpError, type ApiCallFn } from "grammy";
import { describe, expect, it } from "vitest";
import { boundedRetries, TELEGRAM_RETRIES } from "../../src/bot/telegram-api.js";

type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/** A wire that plays the given answers in turn (an Error is thrown as grammY's network error), logging when each try came. */
function wire(answers: (Answer | Error)[]) {
  const tries: number[] = [];
  const call = (() => {
    tries.push(Date.now());
    const next = answers[Math.min(tries.length - 1, answers.length - 1)]!;
    if (next instanceof Error) return Promise.reject(new HttpError("Network request for 'sendMessage' failed!", next));
    return Promise.resolve(next);
  }) as unknown as ApiCallFn;
  return { call, tries };
}

const ok: Answer = { ok: true, result: true };
const down = new Error("socket hang up");
const send = (retry: ReturnType<typeof boundedRetries>, call: ApiCallFn) => retry(call, "sendMessage", { chat_id: 1, text: "hi" });

describe("the bounded retries", () => {
  it("by default tries a call at most four times within 30 s, and waits at most 10 s for a 429", () => {
    expect(TELEGRAM_RETRIES).toEqual({ attempts: 4, maxRetryAfterMs: 10_000, budgetMs: 30_000, backoffMs: 1_000 });
  });

  it("retries network errors a bounded number of times, with growing waits, then throws the last", async () => {
    const { call, tries } = wire([down]);
    await expect(send(boundedRetries({ attempts: 3, maxRetryAfterMs: 1000, budgetMs: 5_000, backoffMs: 20 }), call)).rejects.toBeInstanceOf(
      HttpError,
    );
    expect(tries).toHaveLength(3);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(18);
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(38);
  });

  it("starts no retry past its time budget, however many tries are left", async () => {
    const { call, tries } = wire([down]);
    const started = Date.now();
    await expect(send(boundedRetries({ attempts: 100, maxRetryAfterMs: 1000, budgetMs: 300, backoffMs: 50 }), call)).rejects.toBeInstanceOf(
      HttpError,
    );
    // 50 + 100 ms waited; the next wait (200 ms) would end past 300 ms.
    expect(tries).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it("comes through a network error and a 5xx to the answer", async () => {
    const { call, tries } = wire([down, { ok: false, error_code: 502, description: "Bad Gateway" }, ok]);
    expect(await send(boundedRetries({ attempts: 4, maxRetryAfterMs: 1000, budgetMs: 5_000, backoffMs: 10 }), call)).toEqual(ok);
    expect(tries).toHaveLength(3);
  });

  it("waits out a short 429 and hands a long one back at once", async () => {
    const retry = boundedRetries({ attempts: 4, maxRetryAfterMs: 1_000, budgetMs: 5_000, backoffMs: 10 });
    const short = wire([{ ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }, ok]);
    expect(await send(retry, short.call)).toEqual(ok);
    expect(short.tries[1]! - short.tries[0]!).toBeGreaterThanOrEqual(990);
    const long: Answer = { ok: false, error_code: 429, description: "Too Many Requests: retry after 30", parameters: { retry_after: 30 } };
    const refused = wire([long, ok]);
    expect(await send(retry, refused.call)).toEqual(long);
    expect(refused.tries).toHaveLength(1);
  });

  it("hands other error answers, and anything else thrown, back at once", async () => {
    const retry = boundedRetries({ attempts: 4, maxRetryAfterMs: 1000, budgetMs: 5_000, backoffMs: 10 });
    const bad: Answer = { ok: false, error_code: 400, description: "Bad Request: chat not found" };
    const answered = wire([bad, ok]);
    expect(await send(retry, answered.call)).toEqual(bad);
    expect(answered.tries).toHaveLength(1);
    let thrown = 0;
    const failing = (() => {
      thrown++;
      return Promise.reject(new Error("not a network error"));
    }) as unknown as ApiCallFn;
    await expect(send(retry, failing)).rejects.toThrow("not a network error");
    expect(thrown).toBe(1);
  });
});
