import { describe, expect, it } from "vitest";
import { periodName } from "../../src/bot/views/interest.js";
import { translate } from "../support/service.js";

describe("period names", () => {
  it("name months and years in the person's language, and the rest as before", () => {
    const names = (locale: string) =>
      (["2026-11", "2026-01", "2026", "this-month", "last-month", "7d"] as const).map((period) => periodName(translate(locale), period, locale));
    expect(names("en")).toEqual(["November 2026", "January 2026", "2026", "this month", "last month", "last 7 days"]);
    expect(names("zh")).toEqual(["2026年11月", "2026年1月", "2026年", "本月", "上月", "最近 7 天"]);
  });
});
