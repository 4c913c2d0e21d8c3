/** The widest account the bot must answer whole: 20 currencies, 40 borrowing lines (21 of them USDT's). */
export const WIDE_CURRENCIES = [
  "USDT",
  "BTC",
  "ETH",
  "SOL",
  "XRP",
  "DOGE",
  "ADA",
  "TRX",
  "LINK",
  "AVAX",
  "DOT",
  "MATIC",
  "LTC",
  "BCH",
  "UNI",
  "ATOM",
  "ETC",
  "FIL",
  "APT",
  "ARB",
];

export const WIDE_LINES = [
  { ccy: "USDT", mgnMode: "cross" as const, instId: "", liability: 25_000, hourlyRate: 0.000004 },
  ...WIDE_CURRENCIES.slice(1).map((ccy) => ({ ccy, mgnMode: "isolated" as const, instId: `${ccy}-USDT`, liability: 2_000, hourlyRate: 0.000004 })),
  ...WIDE_CURRENCIES.slice(1).map((ccy) => ({
    ccy: "USDT",
    mgnMode: "isolated" as const,
    instId: `${ccy}-USDT`,
    liability: 1_000,
    hourlyRate: 0.000005,
  })),
  { ccy: "USDT", mgnMode: "isolated" as const, instId: "USDT-USDC", liability: 500, hourlyRate: 0.000005 },
];
