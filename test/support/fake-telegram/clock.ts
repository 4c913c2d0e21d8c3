/** Telegram's dates are Unix time in seconds. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
