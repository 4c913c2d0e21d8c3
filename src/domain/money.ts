import { Decimal } from "decimal.js";

export { Decimal };

/** Decimals shown per currency: enough to see a day's interest on a typical loan. */
const DISPLAY_DECIMALS: Readonly<Record<string, number>> = {
  BTC: 8,
  ETH: 6,
  USDT: 4,
  USDC: 4,
  USD: 4,
  DAI: 4,
  EUR: 4,
};
const DEFAULT_DECIMALS = 6;

export function displayDecimals(ccy: string): number {
  return DISPLAY_DECIMALS[ccy] ?? DEFAULT_DECIMALS;
}

/** An amount of a currency with its own precision and thousands separators, e.g. `2,500.1234`. */
export function formatAmount(amount: Decimal, ccy: string): string {
  const fixed = amount.toDecimalPlaces(displayDecimals(ccy), Decimal.ROUND_HALF_UP).toFixed(displayDecimals(ccy));
  const [whole = "0", fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A rate as a percentage with enough significant digits, e.g. 0.0000040833 → `0.000408 %`. */
export function formatPercent(rate: Decimal, significantDigits = 3): string {
  if (rate.isZero()) return "0 %";
  return `${rate.times(100).toSignificantDigits(significantDigits, Decimal.ROUND_HALF_UP).toFixed()} %`;
}

/** Sum of decimal strings; empty strings count as zero. */
export function sumOf(values: Iterable<string | Decimal>): Decimal {
  let total = new Decimal(0);
  for (const value of values) total = total.plus(value === "" ? 0 : value);
  return total;
}
