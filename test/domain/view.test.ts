import { describe, expect, it } from "vitest";
import { isArgumentProblem, matchesView, parseInterestArguments } from "../../src/domain/view.js";

describe("/interest arguments", () => {
  const fallback = { period: "7d" as const };
  it("reads currency, period, mode and instrument in any order", () => {
    expect(parseInterestArguments("", fallback)).toEqual({ period: "7d" });
    expect(parseInterestArguments("usdt", fallback)).toEqual({ period: "7d", ccy: "USDT" });
    expect(parseInterestArguments("all usdt", fallback)).toEqual({ period: "7d", ccy: "USDT", account: "all" });
    expect(parseInterestArguments("30d BTC", fallback)).toEqual({ period: "30d", ccy: "BTC" });
    expect(parseInterestArguments("isolated btc-usdt 1y", fallback)).toEqual({ period: "1y", mgnMode: "isolated", instId: "BTC-USDT" });
    expect(parseInterestArguments("1INCH", fallback)).toEqual({ period: "7d", ccy: "1INCH" });
    expect(parseInterestArguments("USDT 2026-11", fallback)).toEqual({ period: "2026-11", ccy: "USDT" });
    expect(parseInterestArguments("2026", fallback)).toEqual({ period: "2026" });
    expect(parseInterestArguments("btc last  Month", fallback)).toEqual({ period: "last-month", ccy: "BTC" });
    expect(parseInterestArguments("this month usdt", fallback)).toEqual({ period: "this-month", ccy: "USDT" });
    expect(parseInterestArguments("本月 USDT", fallback)).toEqual({ period: "this-month", ccy: "USDT" });
  });

  it("names what it could not read", () => {
    const problems = ["5d", "U$DT", "ABCDEFGHIJKLMNOP", "USDT 2026-13"].map((text) => parseInterestArguments(text, fallback));
    expect(problems.every(isArgumentProblem)).toBe(true);
    expect(problems).toEqual([
      { problem: "period", value: "5d" },
      { problem: "unknown", value: "U$DT" },
      { problem: "currency", value: "ABCDEFGHIJKLMNOP" },
      { problem: "period", value: "2026-13" },
    ]);
  });

  it("shortens a long word it could not read on whole characters, never half an emoji", () => {
    // 19 letters, then an emoji of two UTF-16 units across the 20-unit cut.
    const problem = parseInterestArguments(`${"a".repeat(19)}😀rest`, fallback);
    expect(problem).toEqual({ problem: "unknown", value: "a".repeat(19) });
    expect(parseInterestArguments(`${"b".repeat(18)}😀rest`, fallback)).toEqual({ problem: "unknown", value: `${"b".repeat(18)}😀` });
  });

  it("matches records to a view", () => {
    const record = { ccy: "USDT", mgnMode: "isolated", instId: "BTC-USDT" };
    expect(matchesView({ period: "7d" }, record)).toBe(true);
    expect(matchesView({ period: "7d", ccy: "USDT", mgnMode: "isolated", instId: "BTC-USDT" }, record)).toBe(true);
    expect(matchesView({ period: "7d", mgnMode: "cross" }, record)).toBe(false);
    expect(matchesView({ period: "7d", ccy: "BTC" }, record)).toBe(false);
  });
});
