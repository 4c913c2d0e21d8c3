import { Decimal as DecimalJs } from "decimal.js";

/**
 * decimal.js with room for every digit: its default of 20 significant digits would round a year's sum
 * of 16-decimal amounts (7 whole digits + 16 decimals).
 */
export const Decimal = DecimalJs.clone({ precision: 64 });
export type Decimal = DecimalJs;

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

const POWERS_OF_TEN = Array.from({ length: 10 }, (_, power) => 10 ** power);

/** A decimal split at the point: whole part, then two nine-digit parts of the fraction. */
export interface DecimalParts {
  whole: number;
  high: number;
  low: number;
}

/**
 * Splits a decimal string into parts, without allocating: the result is reused by the next call, so copy
 * what you keep. Digits past the 18th decimal are dropped (OKX sends at most 16).
 */
export const parseParts = (() => {
  const parts: DecimalParts = { whole: 0, high: 0, low: 0 };
  return (value: string): Readonly<DecimalParts> => {
    const length = value.length;
    let index = 0;
    let sign = 1;
    if (value.charCodeAt(0) === 45 /* - */) {
      sign = -1;
      index = 1;
    }
    let whole = 0;
    for (; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code === 46 /* . */) break;
      whole = whole * 10 + (code - 48);
    }
    let high = 0;
    let low = 0;
    let digits = 0;
    for (index++; index < length && digits < 18; index++, digits++) {
      const digit = value.charCodeAt(index) - 48;
      if (digits < 9) high = high * 10 + digit;
      else low = low * 10 + digit;
    }
    if (digits < 9) high *= POWERS_OF_TEN[9 - digits]!;
    else low *= POWERS_OF_TEN[18 - digits]!;
    parts.whole = sign * whole;
    parts.high = sign * high;
    parts.low = sign * low;
    return parts;
  };
})();

/**
 * An exact sum of decimal strings, fast: the parts of each amount are summed as plain numbers, exact
 * while every part's sum stays under 2⁵³. Each nine-digit part of a fraction is below 10⁹, so that holds
 * for at least 2⁵³ ÷ 10⁹, about nine million, records. decimal.js allocates an object per addition:
 * summing a year of records with it took ~300 ms.
 */
export class ExactSum implements DecimalParts {
  whole = 0;
  high = 0;
  low = 0;

  add(value: string): this {
    return this.addParts(parseParts(value));
  }

  addParts(parts: Readonly<DecimalParts>): this {
    this.whole += parts.whole;
    this.high += parts.high;
    this.low += parts.low;
    return this;
  }

  /** Close to the sum, as a float: for ordering sums, never for showing them. */
  approximate(): number {
    return this.whole + this.high / 1e9 + this.low / 1e18;
  }

  /** The sum in units of 10⁻¹⁸. */
  toFixed18(): bigint {
    return BigInt(this.whole) * 10n ** 18n + BigInt(this.high) * 10n ** 9n + BigInt(this.low);
  }

  toDecimal(): Decimal {
    return fromFixed(this.toFixed18());
  }
}

/** Units of 10⁻¹⁸ back to a decimal, digit for digit. */
export function fromFixed(value: bigint): Decimal {
  const digits = (value < 0n ? -value : value).toString().padStart(19, "0");
  return new Decimal(`${value < 0n ? "-" : ""}${digits.slice(0, -18)}.${digits.slice(-18)}`);
}
