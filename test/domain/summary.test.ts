import { describe, expect, it } from "vitest";
import { blocksOf, record } from "../support/record.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { Decimal, ExactSum, formatAmount, formatPercent } from "../../src/domain/money.js";
import { encodeBlock, RecordBlock } from "../../src/domain/record-block.js";
import { summarize, summarizeBlocks, yearlyRate } from "../../src/domain/summary.js";
import { matchesView, type InterestView } from "../../src/domain/view.js";
import { generateAccruals } from "../support/fake-okx/index.js";

/** The two records of the endpoint's own response example (the second has no totalLiab or interestFreeLiab). */
const EXAMPLE: InterestRecord[] = [
  {
    ccy: "USDT",
    instId: "",
    interest: "0.0003960833333334",
    interestRate: "0.0000040833333333",
    liab: "97",
    totalLiab: "",
    interestFreeLiab: "",
    mgnMode: "",
    ts: "1637312400000",
    type: "1",
  },
  {
    ccy: "USDT",
    instId: "",
    interest: "0.0004083333333334",
    interestRate: "0.0000040833333333",
    liab: "100",
    totalLiab: "",
    interestFreeLiab: "",
    mgnMode: "",
    ts: "1637049600000",
    type: "1",
  },
];

describe("summary", () => {
  it("sums the endpoint's example exactly (hand-checked)", () => {
    // Asked within the hour after the newest record: that hour is "now".
    const { currencies, records } = summarize(EXAMPLE, 0, 1637312400000 + 3600_000);
    expect(records).toBe(2);
    expect(currencies).toHaveLength(1);
    const usdt = currencies[0]!;
    expect(usdt.total.toFixed()).toBe("0.0008044166666668");
    expect(usdt.hours).toBe(2);
    expect(usdt.latestTs).toBe(1637312400000);
    expect(usdt.currentLiability.toFixed()).toBe("97");
    expect(usdt.peakLiability.toFixed()).toBe("100");
    expect(usdt.currentRate!.toFixed()).toBe("0.0000040833333333");
    expect(usdt.averageRate.toSignificantDigits(12).toFixed()).toBe("0.00000408333333333");
    expect(yearlyRate(usdt.currentRate!).toFixed()).toBe("0.035769999999708");
    expect(usdt.projected30d.toFixed()).toBe("0.285179999997672");
    expect(usdt.interestFreeLiability).toBeUndefined();
    expect(usdt.lines.map((line) => [line.mgnMode, line.instId, line.total.toFixed()])).toEqual([["", "", "0.0008044166666668"]]);
  });

  it("owes nothing now on a line with no record at the account's latest hour, nor on an account whose latest hour is past", () => {
    const hour = 3600_000;
    const now = 100 * hour + 20 * 60_000;
    // BTC repaid three days ago; USDT still borrowed at the account's latest hour.
    const records = [
      record({ ccy: "BTC", interest: "0.0001", liab: "2", interestRate: "0.00005", ts: String(28 * hour) }),
      record({ ccy: "BTC", interest: "0.0001", liab: "2", interestRate: "0.00005", ts: String(27 * hour) }),
      record({ ccy: "USDT", interest: "0.5", liab: "1000", interestRate: "0.0005", ts: String(100 * hour) }),
      record({ ccy: "USDT", interest: "0.25", liab: "500", interestRate: "0.0005", ts: String(99 * hour) }),
    ];
    const byCcy = (summary: ReturnType<typeof summarize>) => new Map(summary.currencies.map((currency) => [currency.ccy, currency]));
    const week = byCcy(summarize(records, now - 7 * 24 * hour, now));
    expect(week.get("BTC")!.total.toFixed()).toBe("0.0002");
    expect(week.get("BTC")!.currentLiability.toFixed()).toBe("0");
    expect(week.get("BTC")!.currentRate).toBeUndefined();
    expect(week.get("BTC")!.projected30d.toFixed()).toBe("0");
    expect(week.get("USDT")!.currentLiability.toFixed()).toBe("1000");
    expect(week.get("USDT")!.projected30d.toFixed()).toBe("360");

    // The same from blocks of BTC alone: the account's latest hour is given, not read from them.
    const btc = records.filter((item) => item.ccy === "BTC").reverse();
    const blocks = [new RecordBlock(btc[0]!, 0, encodeBlock(0, btc))];
    expect(summarizeBlocks(blocks, now - 7 * 24 * hour, now, 100 * hour).currencies[0]!.currentRate).toBeUndefined();
    expect(summarizeBlocks(blocks, now - 7 * 24 * hour, 28 * hour + 60_000, 28 * hour).currencies[0]!.currentLiability.toFixed()).toBe("2");

    // Every loan repaid: the account's latest hour is days old, so nothing is owed now.
    const repaid = byCcy(summarize(records, now - 7 * 24 * hour, now + 5 * 24 * hour));
    expect([...repaid.values()].map((currency) => currency.currentLiability.toFixed())).toEqual(["0", "0"]);
  });

  it("never adds amounts as floats", () => {
    const { currencies } = summarize([record({ interest: "0.1", ts: "1" }), record({ interest: "0.2", ts: "2" })], 0, 10);
    expect(currencies[0]!.total.toFixed()).toBe("0.3");
    expect(new ExactSum().add("0.1").add("0.2").add("").toDecimal().toFixed()).toBe("0.3");
  });

  it("splits by currency, margin mode and instrument, and keeps to the period", () => {
    const hour = 3600_000;
    const records = [
      record({ ccy: "USDT", mgnMode: "cross", interest: "1", liab: "1000", interestRate: "0.001", ts: String(3 * hour) }),
      record({ ccy: "USDT", mgnMode: "isolated", instId: "BTC-USDT", interest: "2", liab: "1000", interestRate: "0.002", ts: String(3 * hour) }),
      record({ ccy: "USDT", mgnMode: "cross", interest: "1", liab: "500", interestRate: "0.002", ts: String(2 * hour), interestFreeLiab: "50" }),
      record({ ccy: "BTC", mgnMode: "cross", interest: "0.00000412", liab: "0.5", interestRate: "0.00000824", ts: String(3 * hour) }),
      record({ ccy: "USDT", mgnMode: "cross", interest: "100", liab: "9", ts: String(hour) }), // before the period
    ];
    const { currencies, records: counted } = summarize(records, 2 * hour, 3 * hour);
    expect(counted).toBe(4);
    expect(currencies.map((currency) => currency.ccy)).toEqual(["USDT", "BTC"]);
    const usdt = currencies[0]!;
    expect(usdt.total.toFixed()).toBe("4");
    expect(usdt.hours).toBe(2);
    expect(usdt.currentLiability.toFixed()).toBe("2000");
    expect(usdt.peakLiability.toFixed()).toBe("2000");
    expect(usdt.currentRate!.toFixed()).toBe("0.0015"); // (1000 × 0.001 + 1000 × 0.002) / 2000
    expect(usdt.averageRate.toFixed()).toBe("0.0016"); // (1 + 2 + 1) / 2500
    expect(usdt.projected30d.toFixed()).toBe("2160"); // 2000 × 0.0015 × 720
    expect(usdt.interestFreeLiability?.toFixed()).toBe("50");
    expect(usdt.lines.map((line) => `${line.mgnMode} ${line.instId} ${line.total.toFixed()}`)).toEqual(["cross  2", "isolated BTC-USDT 2"]);
  });

  it("sums decimal strings exactly, as decimal.js does", () => {
    const values = [
      "0.1",
      "0.2",
      "-0.3",
      "2512.70739406",
      "0.0000040833333333",
      "97",
      "-1.5",
      "0.123456789123456789",
      "1e-3".replace("1e-3", "0.001"),
    ];
    let random = 7;
    for (let i = 0; i < 2000; i++) {
      random = (random * 48271) % 2147483647;
      values.push(`${random % 5000}.${String(random).padStart(10, "0")}${String(random % 997).padStart(6, "0")}`);
    }
    const fast = values.reduce((sum, value) => sum.add(value), new ExactSum());
    expect(fast.toDecimal().toFixed()).toBe(values.reduce((sum, value) => sum.plus(value), new Decimal(0)).toFixed());
    expect(new ExactSum().add("0.1").add("0.2").toDecimal().toFixed()).toBe("0.3");
  });

  it("gives the same summary whatever the order of the records", () => {
    const hour = 3600_000;
    const records = [1, 2, 3, 4].flatMap((h) => [
      record({ ccy: "USDT", interest: `0.${h}1`, liab: `${100 * h}`, interestRate: "0.001", ts: String(h * hour) }),
      record({ ccy: "BTC", interest: `0.0000${h}`, liab: "1", interestRate: "0.00001", ts: String(h * hour) }),
    ]);
    const forward = summarize(records, 0, 10 * hour);
    const backward = summarize([...records].reverse(), 0, 10 * hour);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(forward.currencies[0]!.peakLiability.toFixed()).toBe("400");
    expect(forward.currencies[0]!.hours).toBe(4);
  });

  it("formats amounts with each currency's precision and rates as percentages", () => {
    expect(formatAmount(new Decimal("2500.123456"), "USDT")).toBe("2,500.1235");
    expect(formatAmount(new Decimal("0.000004125"), "BTC")).toBe("0.00000413");
    expect(formatAmount(new Decimal("1234567.5"), "XYZ")).toBe("1,234,567.500000");
    expect(formatPercent(new Decimal("0.0000040833333333"))).toBe("0.000408 %");
    expect(formatPercent(new Decimal("0.035769999999708"))).toBe("3.58 %");
    expect(formatPercent(new Decimal(0))).toBe("0 %");
  });
});

describe("summary from cached blocks", () => {
  it("is the summary of the same records, for every view and for a stretch that starts inside a month", () => {
    const to = Date.UTC(2026, 10, 20, 12);
    const records = generateAccruals({ hours: 24 * 75, endTs: to });
    records[5] = { ...records[5]!, interestFreeLiab: "12.5" };
    records[400] = { ...records[400]!, interestFreeLiab: "3" };
    const blocks = blocksOf(records);
    const from = to - 50 * 24 * 3600_000 + 1800_000;
    const views: InterestView[] = [
      { period: "30d" },
      { period: "30d", ccy: "USDT" },
      { period: "30d", mgnMode: "isolated" },
      { period: "30d", ccy: "USDT", instId: "BTC-USDT" },
    ];
    for (const view of views) {
      const matching = (line: { ccy: string; mgnMode: string; instId: string }) => matchesView(view, line);
      const latest = Math.max(...records.filter((record) => matching(record) && Number(record.ts) <= to).map((record) => Number(record.ts)));
      expect(
        summarizeBlocks(
          blocks.filter((block) => matching(block.line)),
          from,
          to,
          latest,
        ),
        JSON.stringify(view),
      ).toEqual(summarize(records.filter(matching), from, to));
    }
  });
});
