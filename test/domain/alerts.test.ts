import { describe, expect, it } from "vitest";
import {
  evaluateAlerts,
  figureOf,
  lineFigures,
  parseQuietHours,
  parseRule,
  quietUntil,
  type AlertRule,
  type LineFigures,
} from "../../src/domain/alerts.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { Decimal } from "../../src/domain/money.js";

const HOUR = 3600_000;
const START = Date.UTC(2026, 10, 1);

function record(ts: number, rate: string, liab = "1000", line = { ccy: "USDT", mgnMode: "cross", instId: "" }): InterestRecord {
  return {
    type: "2",
    ...line,
    interest: new Decimal(liab).times(rate).toFixed(),
    interestRate: rate,
    liab,
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(ts),
  };
}

/** A week at one rate, then the newest hour at another. */
function week(newestRate: string, usual = "0.00001"): InterestRecord[] {
  const records = Array.from({ length: 167 }, (_, hour) => record(START + hour * HOUR, usual));
  return [...records, record(START + 167 * HOUR, newestRate)];
}

const NEWEST = START + 167 * HOUR;

describe("a line's figures at its newest hour", () => {
  it("rate now and an hour before, the 7-day average weighted by liability, the liability and the next 24 h", () => {
    const [figures] = lineFigures(week("0.00005"), NEWEST);
    expect(figures!.rate.toFixed()).toBe("0.00005");
    expect(figures!.previousRate?.toFixed()).toBe("0.00001");
    // (167 × 0.00001 + 0.00005) / 168
    expect(figures!.averageRate.toFixed()).toBe(new Decimal("0.00172").dividedBy(168).toFixed());
    expect(figures!.liability.toFixed()).toBe("1000");
    expect(figures!.next24h.toFixed()).toBe("1.2");
    expect(figureOf("yearly", figures!)?.toFixed()).toBe("0.438");
    expect(figureOf("daily", figures!)?.toFixed()).toBe("1.2");
    expect(figureOf("spike", figures!)?.toSignificantDigits(4).toFixed()).toBe("4.884");
  });

  it("a line without a record at the hour (repaid) has no figures", () => {
    expect(lineFigures(week("0.00005"), NEWEST + HOUR)).toEqual([]);
  });
});

describe("crossings, with hysteresis", () => {
  const rules: AlertRule[] = [{ kind: "yearly", level: "0.2" }];
  const at = (rate: string): LineFigures[] => lineFigures(week(rate), NEWEST);

  it("alerts when the level is reached from below, not while it stays above, again only after going back below", () => {
    let above = new Set<string>();
    const crossings: number[] = [];
    for (const rate of ["0.00001", "0.00003", "0.00004", "0.000023", "0.00001", "0.00003"]) {
      const evaluation = evaluateAlerts(rules, at(rate), above);
      crossings.push(evaluation.crossings.length);
      above = new Set(evaluation.above);
    }
    // 0.00003 × 8760 = 26 %, 0.000023 × 8760 = 20.1 %: still above; 8.8 % below, then up again.
    expect(crossings).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it("exactly at the level counts as reached", () => {
    const level = new Decimal("0.00002").times(8760).toFixed();
    expect(evaluateAlerts([{ kind: "yearly", level }], at("0.00002"), new Set()).crossings).toHaveLength(1);
  });

  it("a line that stops borrowing goes below every level", () => {
    const first = evaluateAlerts(rules, at("0.00003"), new Set());
    expect(first.above).toEqual(["yearly:*@USDT|cross|"]);
    expect(evaluateAlerts(rules, [], new Set(first.above)).above).toEqual([]);
  });

  it("a rule of one currency watches only its lines", () => {
    const btc = { ccy: "BTC", mgnMode: "cross", instId: "" };
    const figures = lineFigures([...week("0.00003"), record(NEWEST, "0.00003", "1", btc)], NEWEST);
    const evaluation = evaluateAlerts([{ kind: "yearly", ccy: "BTC", level: "0.2" }], figures, new Set());
    expect(evaluation.crossings.map((crossing) => crossing.figures.line.ccy)).toEqual(["BTC"]);
  });
});

describe("quiet hours across a daylight-saving change (Europe/London, 22:00–07:00)", () => {
  const quiet = { from: { hour: 22, minute: 0 }, to: { hour: 7, minute: 0 } };
  const zone = "Europe/London";

  it("the night the clocks go forward (29 March 2026) ends at 07:00 BST, 06:00 UTC", () => {
    expect(quietUntil(Date.UTC(2026, 2, 28, 23, 30), quiet, zone)).toBe(Date.UTC(2026, 2, 29, 6, 0));
    // 01:30 UTC is 02:30 BST, after the jump: the same end.
    expect(quietUntil(Date.UTC(2026, 2, 29, 1, 30), quiet, zone)).toBe(Date.UTC(2026, 2, 29, 6, 0));
    expect(quietUntil(Date.UTC(2026, 2, 29, 6, 0), quiet, zone)).toBeUndefined();
  });

  it("the night the clocks go back (25 October 2026) ends at 07:00 GMT, 07:00 UTC", () => {
    // 22:30 BST.
    expect(quietUntil(Date.UTC(2026, 9, 24, 21, 30), quiet, zone)).toBe(Date.UTC(2026, 9, 25, 7, 0));
    // 06:30 UTC is 06:30 GMT: still quiet, though a summer clock would read 07:30.
    expect(quietUntil(Date.UTC(2026, 9, 25, 6, 30), quiet, zone)).toBe(Date.UTC(2026, 9, 25, 7, 0));
    expect(quietUntil(Date.UTC(2026, 9, 24, 20, 30), quiet, zone)).toBeUndefined();
  });

  it("quiet hours within one day, and none set", () => {
    const day = { from: { hour: 9, minute: 0 }, to: { hour: 17, minute: 30 } };
    expect(quietUntil(Date.UTC(2026, 0, 5, 12), day, zone)).toBe(Date.UTC(2026, 0, 5, 17, 30));
    expect(quietUntil(Date.UTC(2026, 0, 5, 18), day, zone)).toBeUndefined();
    expect(quietUntil(Date.UTC(2026, 0, 5, 12), undefined, zone)).toBeUndefined();
  });
});

describe("typed rules and quiet hours", () => {
  it("reads levels with their units and an optional currency", () => {
    expect(parseRule("yearly", "20")).toEqual({ level: "0.2" });
    expect(parseRule("yearly", "30 % btc")).toEqual({ level: "0.3", ccy: "BTC" });
    expect(parseRule("yearly", "12,5%")).toEqual({ level: "0.125" });
    expect(parseRule("spike", "3x USDT")).toEqual({ level: "3", ccy: "USDT" });
    expect(parseRule("spike", "5 ×")).toEqual({ level: "5" });
    expect(parseRule("daily", "5 USDT")).toEqual({ level: "5", ccy: "USDT" });
    expect(parseRule("daily", "０.５")).toEqual({ level: "0.5" });
  });

  it("refuses what is not a level of that kind", () => {
    for (const [kind, text] of [
      ["yearly", "0"],
      ["yearly", "3x"],
      ["yearly", "20000"],
      ["spike", "1"],
      ["spike", "50%"],
      ["daily", "5%"],
      ["daily", "5 USDT BTC"],
      ["daily", "soon"],
    ] as const)
      expect(parseRule(kind, text), `${kind} ${text}`).toBeUndefined();
  });

  it("reads quiet hours as a start and an end", () => {
    expect(parseQuietHours("22:00-07:00")).toEqual({ from: { hour: 22, minute: 0 }, to: { hour: 7, minute: 0 } });
    expect(parseQuietHours("23 – 6:30")).toEqual({ from: { hour: 23, minute: 0 }, to: { hour: 6, minute: 30 } });
    expect(parseQuietHours("22:00")).toBeUndefined();
    expect(parseQuietHours("7-7")).toBeUndefined();
    expect(parseQuietHours("25-7")).toBeUndefined();
  });
});
