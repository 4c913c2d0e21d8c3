import { describe, expect, it } from "vitest";
import { canonicalZone, looksLikeZoneName } from "../../src/domain/time.js";

describe("canonicalZone: the zone's IANA name, whatever the case typed", () => {
  const cases: [string, string][] = [
    ["europe/paris", "Europe/Paris"],
    ["EUROPE/PARIS", "Europe/Paris"],
    ["Europe/Paris", "Europe/Paris"],
    ["antarctica/dumontdurville", "Antarctica/DumontDUrville"],
    ["america/port-au-prince", "America/Port-au-Prince"],
    ["etc/gmt+5", "Etc/GMT+5"],
    ["utc", "UTC"],
    // Current names ICU knows only as links to older ones of the same area keep the current name.
    ["asia/kolkata", "Asia/Kolkata"],
    ["ASIA/KOLKATA", "Asia/Kolkata"],
    ["europe/kyiv", "Europe/Kyiv"],
    ["asia/ho_chi_minh", "Asia/Ho_Chi_Minh"],
    ["america/argentina/buenos_aires", "America/Argentina/Buenos_Aires"],
    // Links to another area are saved as the zone they name, not as typed ("Us/Eastern").
    ["us/eastern", "America/New_York"],
    ["US/Eastern", "America/New_York"],
    ["us/pacific", "America/Los_Angeles"],
    ["canada/newfoundland", "America/St_Johns"],
    ["Etc/UTC", "UTC"],
  ];
  for (const [typed, zone] of cases) {
    it(`${typed} → ${zone}`, () => {
      expect(canonicalZone(typed)).toBe(zone);
    });
  }

  it("finds no zone for a name that is none", () => {
    expect(canonicalZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(canonicalZone("and/or")).toBeUndefined();
  });
});

describe("looksLikeZoneName: typed text meant as a time zone, known or not", () => {
  it("takes Area/Location names, known or misspelt, and UTC", () => {
    for (const text of [
      "Europe/Paris",
      "europe/paris",
      "europe/pariss",
      "us/eastern",
      "America/Argentina/Buenos_Aires",
      "Etc/GMT+5",
      "Mars/Olympus_Mons",
      "UTC",
      "utc",
    ]) {
      expect(looksLikeZoneName(text), text).toBe(true);
    }
  });

  it("does not take other text with a slash, or names with spaces", () => {
    for (const text of [
      "and/or",
      "yes/no",
      "BTC/USDT",
      "a/b",
      "buy and/or sell",
      "Europe / Paris",
      "Europe/Paris please",
      "/digest",
      "Europe/",
      "18:02",
      "9",
    ]) {
      expect(looksLikeZoneName(text), text).toBe(false);
    }
  });
});
