import { describe, expect, it } from "vitest";
import { isPlainDecimal, PLAIN_DECIMAL } from "../../src/domain/decimal-text.js";

describe("plain decimal text", () => {
  it.each(["0.0003960833333334", "97", "-1.5", "0", "0.0", "-0", "1000000.25", "0.0000040833333333"])("accepts %j", (value) => {
    expect(isPlainDecimal(value)).toBe(true);
    expect(PLAIN_DECIMAL.test(value)).toBe(true);
  });

  it.each(["4e-7", "4E7", "+1", "1,000", " 5", "5 ", "", ".", "5.", ".5", "-", "-.5", "1.2.3", "NaN", "Infinity", "-Infinity", "0x1f", "١٢", "5\n"])(
    "refuses %j",
    (value) => {
      expect(isPlainDecimal(value)).toBe(false);
    },
  );

  it.each([1, 0, 4e-7, Number.NaN, null, undefined, 1n, ["1"], { valueOf: () => "1" }])("refuses the non-string %o", (value) => {
    expect(isPlainDecimal(value)).toBe(false);
  });
});
