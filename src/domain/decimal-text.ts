/**
 * A decimal as OKX writes amounts: an optional minus, digits, and optionally a point with more digits.
 * Nothing else passes (no plus, exponent, spaces, separators or bare point), because the fast digit
 * parser that sums amounts reads any other character as a digit and would make a wrong figure of it.
 */
export const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

export function isPlainDecimal(value: unknown): value is string {
  return typeof value === "string" && PLAIN_DECIMAL.test(value);
}
