/** A time of day on a wall clock: hour 0–23, minute 0–59. */
export interface ClockTime {
  hour: number;
  minute: number;
}

const MERIDIEM = String.raw`(?:\s*([ap])\.?\s*m\.?)?`;
/** `18:02`, `8:30`, `08.30`, `21h30`, `8点30`, `8点30分`, `8:30 pm`. */
const SEPARATED = new RegExp(String.raw`^(\d{1,2})\s*[:.h点时]\s*(\d{2})\s*分?${MERIDIEM}$`);
/** `0830`, `830`, `1802`. */
const COMPACT = /^(\d{1,2})(\d{2})h?$/;
/** `9`, `09`, `21h`, `8点`, `9 am`, `9pm`. */
const HOUR_ONLY = new RegExp(String.raw`^(\d{1,2})\s*(?:h|点钟?|时)?${MERIDIEM}$`);

/** 24-hour clock from an hour and an optional `a`/`p`: 12 am is 0, 12 pm is 12; undefined when out of range. */
function toClock(hour: number, minute: number, meridiem: string | undefined): ClockTime | undefined {
  if (minute > 59) return undefined;
  if (meridiem === undefined) return hour <= 23 ? { hour, minute } : undefined;
  if (hour < 1 || hour > 12) return undefined;
  return { hour: (hour % 12) + (meridiem === "p" ? 12 : 0), minute };
}

/**
 * A time of day as a person types it: `18:02`, `8:30`, `08.30`, `0830`, `9`, `21h`, `21h30`, `8:30 pm`,
 * `9am`, `8点30`, and the same with full-width digits or colon (`１８：０２`). Any minute, not only quarters.
 * Undefined for anything else, including hours past 23, minutes past 59 and a one-digit minute (`9:5`).
 */
export function parseClockTime(text: string): ClockTime | undefined {
  const typed = text.normalize("NFKC").trim().toLowerCase();
  const separated = SEPARATED.exec(typed);
  if (separated !== null) return toClock(Number(separated[1]), Number(separated[2]), separated[3]);
  const compact = COMPACT.exec(typed);
  if (compact !== null) return toClock(Number(compact[1]), Number(compact[2]), undefined);
  const hourOnly = HOUR_ONLY.exec(typed);
  if (hourOnly !== null) return toClock(Number(hourOnly[1]), 0, hourOnly[2]);
  return undefined;
}

/** The minutes a digest can be sent at within its hour. */
export const MINUTE_CHOICES = [0, 15, 30, 45] as const;
