import { describe, expect, it } from "vitest";
import { decodeView, encodeView, isArgumentProblem, matchesView, parseInterestArguments, PERIOD_NAMES } from "../../src/domain/view.js";

describe("view encoding", () => {
  it("round-trips every view within Telegram's 64 bytes", () => {
    const longest = { period: "90d" as const, ccy: "ABCDEFGHIJKL", mgnMode: "isolated" as const, instId: "ABCDEFGHIJKL-ABCDEFGHIJKL" };
    for (const period of PERIOD_NAMES) {
      for (const view of [{ period }, { period, ccy: "USDT" }, { period, mgnMode: "cross" as const }, { ...longest, period }]) {
        for (const page of [{}, { after: { ts: 1637312400000, line: 36 ** 5 - 1 } }, { before: { ts: 4102444800000, line: 0 } }]) {
          const data = encodeView("ir", view, page);
          expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
          expect(decodeView(data)).toEqual({ action: "ir", view, page });
        }
      }
    }
  });

  it("reads the hour-only cursors of buttons made before", () => {
    expect(decodeView("ir:7d:-:-:-:a1637312400000")?.page).toEqual({ after: { ts: 1637312400000 } });
    expect(decodeView("ir:7d:-:-:-:b1637312400000")?.page).toEqual({ before: { ts: 1637312400000 } });
  });

  it("refuses malformed and forged data", () => {
    for (const data of [
      "",
      "iv",
      "iv:7d",
      "iv:5d:-:-:-",
      "iv:7d:usdt:-:-",
      "iv:7d:-:x:-",
      "iv:7d:-:-:BTCUSDT",
      "iv:7d:-:-:-:a1:b2",
      "iv:7d:-:-:-:c1",
      "iv:7d:-:-:-:a1.",
      "iv:7d:-:-:-:a.1",
      "iv:7d:-:-:-:aZZ.1",
      "iv:7d:-:-:-:a1.123456",
      `iv:7d:${"A".repeat(60)}:-:-`,
      "IV:7d:-:-:-",
    ]) {
      expect(decodeView(data)).toBeUndefined();
    }
  });
});

describe("/interest arguments", () => {
  const fallback = { period: "7d" as const };
  it("reads currency, period, mode and instrument in any order", () => {
    expect(parseInterestArguments("", fallback)).toEqual({ period: "7d" });
    expect(parseInterestArguments("usdt", fallback)).toEqual({ period: "7d", ccy: "USDT" });
    expect(parseInterestArguments("30d BTC", fallback)).toEqual({ period: "30d", ccy: "BTC" });
    expect(parseInterestArguments("isolated btc-usdt 1y", fallback)).toEqual({ period: "1y", mgnMode: "isolated", instId: "BTC-USDT" });
    expect(parseInterestArguments("1INCH", fallback)).toEqual({ period: "7d", ccy: "1INCH" });
  });

  it("names what it could not read", () => {
    const problems = ["5d", "U$DT", "ABCDEFGHIJKLMNOP"].map((text) => parseInterestArguments(text, fallback));
    expect(problems.every(isArgumentProblem)).toBe(true);
    expect(problems).toEqual([
      { problem: "period", value: "5d" },
      { problem: "unknown", value: "U$DT" },
      { problem: "currency", value: "ABCDEFGHIJKLMNOP" },
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
