import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectButton, digestButton, filtersButton, interestButtons, languageButton } from "../../src/bot/buttons.js";
import { buttonKind } from "../../src/bot/callback-data.js";
import { COMMON_ZONES } from "../../src/domain/time.js";
import { PERIOD_NAMES } from "../../src/domain/period.js";

describe("view buttons", () => {
  it("round-trips every view within Telegram's 64 bytes", () => {
    const longest = { period: "90d" as const, ccy: "ABCDEFGHIJKL", mgnMode: "isolated" as const, instId: "ABCDEFGHIJKL-ABCDEFGHIJKL" };
    for (const period of [...PERIOD_NAMES, "this-month", "last-month", "2026-11", "2099-12", "2000-01", "2026"] as const) {
      const views = [{ period }, { period, ccy: "USDT" }, { period, mgnMode: "cross" as const }, { ...longest, period }];
      // Any account of the person's, or all of them; the borrowed currency is either half of an instrument.
      const accounts = [undefined, 0, 35, "all" as const];
      for (const view of [...views, { ...longest, period, instId: "ABCDEFGHIJKM-ABCDEFGHIJKL" }].flatMap((view) =>
        accounts.map((account) => (account === undefined ? view : { ...view, account })),
      )) {
        for (const page of [{}, { after: { ts: 1637312400000, line: 36 ** 5 - 1 } }, { before: { ts: 4102444800000, line: 0 } }]) {
          const data = interestButtons.records.data({ view, page });
          expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
          expect(interestButtons.records.read(data)).toEqual({ view, page });
        }
      }
    }
  });

  it("carries a calendar period by its code, and refuses one it does not make", () => {
    const data = interestButtons.summary.data({ view: { period: "2026-11", ccy: "USDT" } });
    expect(data).toBe("iv:m8y:USDT:-:-");
    expect(interestButtons.chart.read(interestButtons.chart.data({ view: { period: "last-month" } }))).toEqual({
      view: { period: "last-month" },
      page: {},
    });
    for (const forged of ["iv:2026-11:-:-:-", "iv:mzz:-:-:-", "iv:y1:-:-:-", "iv:month:-:-:-"])
      expect(interestButtons.summary.read(forged)).toBeUndefined();
  });

  it("reads the hour-only cursors of buttons made before", () => {
    expect(interestButtons.records.read("ir:7d:-:-:-:a1637312400000")?.page).toEqual({ after: { ts: 1637312400000 } });
    expect(interestButtons.records.read("ir:7d:-:-:-:b1637312400000")?.page).toEqual({ before: { ts: 1637312400000 } });
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
      "iv:Z:7d:-:-:-",
      "iv:<:7d:-:-:-",
      "iv:7d:<:-:-",
      "iv:**:7d:-:-:-",
    ]) {
      expect(interestButtons.summary.read(data)).toBeUndefined();
    }
  });
});

describe("the digest's buttons", () => {
  it("round-trip every press, as the data the settings have always used", () => {
    expect(digestButton.data({ step: "menu" })).toBe("dg:menu");
    expect(digestButton.data({ step: "hour", hour: 18 })).toBe("dg:h:18");
    expect(digestButton.data({ step: "minute", hour: 8, minute: 30 })).toBe("dg:m:8:30");
    expect(digestButton.data({ step: "common-zone", zone: COMMON_ZONES[3] })).toBe("dg:z:3");
    expect(digestButton.data({ step: "currency", ccy: "ETH" })).toBe("dg:c:ETH");
    for (const press of [
      { step: "stop" },
      { step: "hour", hour: 0 },
      { step: "minute", hour: 23, minute: 45 },
      { step: "common-zone", zone: COMMON_ZONES[COMMON_ZONES.length - 1]! },
      { step: "currency", ccy: "*" },
    ] as const) {
      expect(digestButton.read(digestButton.data(press))).toEqual(press);
    }
  });

  it("refuse what the settings never offer", () => {
    for (const data of [
      "dg:h:24",
      "dg:m:8:10",
      "dg:m:24:0",
      `dg:z:${COMMON_ZONES.length}`,
      "dg:c:eth",
      "dg:c:",
      "dg:open",
      "dg",
      "dg:h:1:2",
      "iv:7d:-:-:-",
    ]) {
      expect(digestButton.read(data)).toBeUndefined();
    }
  });
});

describe("the button registry", () => {
  it("keeps the other kinds' data as it was", () => {
    expect(languageButton.data("zh")).toBe("lang:zh");
    expect(languageButton.read("lang:fr")).toBeUndefined();
    expect(connectButton.data("env:live")).toBe("connect:env:live");
    expect(connectButton.read("connect:env:demo")).toBe("env:demo");
    expect(connectButton.read("connect:env:test")).toBeUndefined();
    expect(filtersButton.read("filters:BTC-USDT")).toBe("BTC-USDT");
    expect(filtersButton.read("filters:cancel")).toBe("cancel");
    expect(filtersButton.read("filters:<b>")).toBeUndefined();
  });

  it("tells a press of its kind from others, well formed or not", () => {
    expect(interestButtons.summary.names("iv:5d")).toBe(true);
    expect(interestButtons.summary.names("ivx:7d:-:-:-")).toBe(false);
    expect(interestButtons.summary.names("ir:7d:-:-:-")).toBe(false);
  });

  it("refuses two kinds of one name, and data past 64 bytes", () => {
    expect(() =>
      buttonKind(
        "iv",
        (value: string) => [value],
        z.tuple([z.string()]).transform(([value]) => value),
      ),
    ).toThrow(/two kinds/);
    const long = buttonKind(
      "longtest",
      (value: string) => [value],
      z.tuple([z.string()]).transform(([value]) => value),
    );
    expect(long.data("x".repeat(55))).toHaveLength(64);
    expect(() => long.data("x".repeat(56))).toThrow(/64 bytes/);
    expect(long.read(`longtest:${"x".repeat(56)}`)).toBeUndefined();
  });
});
