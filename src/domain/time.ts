import dayjs from "dayjs";
import "dayjs/locale/zh-cn.js";
import utc from "dayjs/plugin/utc.js";
/** How a person reads times: on their IANA zone's clock, in their language (`en` or `zh`). */
export interface TimeDisplay {
  zone: string;
  locale: string;
}

// Every date is read off the zone's clock by `wallClock` (Intl: exact for every zone, and many times faster
// than dayjs's own zone plugin) and written by dayjs, from that reading held as UTC.
dayjs.extend(utc);

/** How each language writes a date. */
const PATTERNS = {
  en: { monthDay: "D MMM", yearMonthDay: "D MMM YYYY", day: "ddd D MMM", month: "MMMM YYYY", year: "YYYY" },
  zh: { monthDay: "M月D日", yearMonthDay: "YYYY年M月D日", day: "M月D日 周dd", month: "YYYY年M月", year: "YYYY年" },
} as const;
const patterns = (locale: string) => (locale === "zh" ? PATTERNS.zh : PATTERNS.en);

/** A wall-clock reading written by dayjs; held as UTC, so what is written is what the clock reads. */
const write = (clock: LocalDate & { hour?: number; minute?: number }, pattern: string, locale: string) =>
  dayjs
    .utc(Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour ?? 0, clock.minute ?? 0))
    .locale(locale === "zh" ? "zh-cn" : "en")
    .format(pattern);

/** `09:05`. */
export const clockTime = (hour: number, minute: number) => `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;

/** `25 Nov`, or `11月25日` in Chinese. */
export function formatMonthDay(date: LocalDate, locale: string): string {
  return write(date, patterns(locale).monthDay, locale);
}

/** `November 2026` (`2026年11月`), or with `months` 12 a year: `2026` (`2026年`). */
export function formatMonth(year: number, month: number, locale: string, months: 1 | 12 = 1): string {
  return write({ year, month, day: 1 }, months === 12 ? patterns(locale).year : patterns(locale).month, locale);
}

/** `25 Nov 2026`, or `2026年11月25日` in Chinese. */
function formatYearMonthDay(date: LocalDate, locale: string): string {
  return write(date, patterns(locale).yearMonthDay, locale);
}

/** `25 Nov 14:00`, or `11月25日 14:00` in Chinese. */
export function formatDateTime(ms: number, display: TimeDisplay): string {
  const clock = wallClock(ms, display.zone);
  return `${formatMonthDay(clock, display.locale)} ${clockTime(clock.hour, clock.minute)}`;
}

/** `25 Nov 2026 14:00`, or `2026年11月25日 14:00` in Chinese: a moment that may be long past. */
export function formatDateTimeYear(ms: number, display: TimeDisplay): string {
  const clock = wallClock(ms, display.zone);
  return `${formatYearMonthDay(clock, display.locale)} ${clockTime(clock.hour, clock.minute)}`;
}

/** `25 Nov 2026`, or `2026年11月25日` in Chinese. */
export function formatDate(ms: number, display: TimeDisplay): string {
  return formatYearMonthDay(wallClock(ms, display.zone), display.locale);
}

/**
 * Both ends of a stretch: with their times (`24 Nov 19:27 – 1 Dec 19:27`), or, when the ends fall in
 * different years on the person's clock, with the years instead (`1 Dec 2025 – 1 Dec 2026`).
 */
export function formatRange(from: number, to: number, display: TimeDisplay): { from: string; to: string } {
  const sameYear = wallClock(from, display.zone).year === wallClock(to, display.zone).year;
  const format = sameYear ? formatDateTime : formatDate;
  return { from: format(from, display), to: format(to, display) };
}

/** `UTC+1`, `UTC+5:30`, `UTC` for the zone's offset at that moment. */
export function zoneLabel(ms: number, zone: string): string {
  const offset = offsetMinutes(ms, zone);
  if (offset === 0) return "UTC";
  const sign = offset > 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `UTC${sign}${hours}${minutes === 0 ? "" : `:${String(minutes).padStart(2, "0")}`}`;
}

/** A calendar date on a wall clock, month 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE_MS = 60_000;
const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let format = wallClocks.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    wallClocks.set(zone, format);
  }
  return format;
}

/** What a clock in the zone reads at an instant, to the minute. */
export function wallClock(ms: number, zone: string): LocalDate & { hour: number; minute: number } {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormat(zone).formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(ms: number, zone: string): number {
  const clock = wallClock(ms, zone);
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute);
  return Math.round((asUtc - Math.floor(ms / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

/** What Intl makes of a zone name (case-insensitive, links resolved: `us/eastern` → `America/New_York`), or undefined for none. */
function resolveZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let knownZones: Map<string, string> | undefined;

/**
 * Zone names as IANA spells them, by their lower case: ICU's own list, and the current names it lists
 * under an older one (Node 20 knows `Asia/Kolkata` but lists `Asia/Calcutta`) that the bot offers or guesses.
 */
function knownZoneNames(): Map<string, string> {
  knownZones ??= new Map(
    [...Intl.supportedValuesOf("timeZone"), ...COMMON_ZONES, ...Object.values(ZONE_BY_LANGUAGE)].map((zone) => [zone.toLowerCase(), zone]),
  );
  return knownZones;
}

const areaOf = (zone: string) => zone.split("/")[0]!.toLowerCase();
const titleCased = (name: string) =>
  name.toLowerCase().replace(/(^|[/_-])([a-z])/g, (_, separator: string, letter: string) => separator + letter.toUpperCase());

/**
 * The zone's IANA name as IANA spells it, whatever the case typed (`europe/paris` → `Europe/Paris`), or
 * undefined for none. A current name ICU knows only as a link to an older one of the same area keeps the
 * current name (`asia/kolkata` → `Asia/Kolkata`, not ICU's `Asia/Calcutta`); a link to another area is
 * saved as the zone it names (`us/eastern` → `America/New_York`, `Etc/UTC` → `UTC`).
 */
export function canonicalZone(name: string): string | undefined {
  const resolved = resolveZone(name);
  if (resolved === undefined) return undefined;
  const known = knownZoneNames().get(name.toLowerCase());
  if (known !== undefined) return known;
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved;
  return name.includes("/") && areaOf(name) === areaOf(resolved) ? titleCased(name) : resolved;
}

/** How a zone name is written: `Europe/Paris`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`, or `UTC`. */
const ZONE_SHAPE = /^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+|[Uu][Tt][Cc])$/;
/** Areas of zone names (`Europe`, `America`, `US`, `Etc`, ...), by their lower case. */
let zoneAreas: Set<string> | undefined;

function knownAreas(): Set<string> {
  zoneAreas ??= new Set(
    [...knownZoneNames().keys(), "us/", "canada/", "brazil/", "chile/", "mexico/", "etc/"].filter((zone) => zone.includes("/")).map(areaOf),
  );
  return zoneAreas;
}

/**
 * Whether typed text is meant as a time zone, known or not: an Area/Location name without spaces whose area
 * exists (`europe/pariss`) or that is written like one (`Mars/Olympus_Mons`), or `UTC`. Other text with a
 * slash (`and/or`, `BTC/USDT`) is not.
 */
export function looksLikeZoneName(text: string): boolean {
  if (!ZONE_SHAPE.test(text)) return false;
  if (text.toLowerCase() === "utc" || knownAreas().has(areaOf(text)) || canonicalZone(text) !== undefined) return true;
  return text.split("/").every((part) => /^[A-Z][a-z]/.test(part));
}

/** The date a calendar shows `days` after (or before) another: calendar days, not 24-hour steps. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

export const localDate = (ms: number, zone: string): LocalDate => {
  const { year, month, day } = wallClock(ms, zone);
  return { year, month, day };
};

/** `2026-11-24`. */
export const isoDate = (date: LocalDate): string => `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;

/**
 * The instant a wall clock in the zone shows this date and time. Offsets are read from the zone at the
 * instants themselves (never carried over from another day, as dayjs's `add`/`set` do across a change): in
 * an hour that happens twice, the first; in an hour that is skipped, the time as far past the start of the
 * gap (02:30 on a night the clocks jump from 02:00 to 03:00 is 03:30).
 */
export function zonedTime(date: LocalDate, hour: number, minute: number, zone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Offsets on either side of any change near this time; zones change at most once within 36 hours.
  const before = offsetMinutes(naive - 36 * 3600_000, zone);
  const after = offsetMinutes(naive + 36 * 3600_000, zone);
  const candidates = [...new Set([before, after])].map((offset) => naive - offset * MINUTE_MS).sort((a, b) => a - b);
  const matching = candidates.find((instant) => offsetMinutes(instant, zone) * MINUTE_MS === naive - instant);
  // No instant shows that time (a skipped hour): count on from before the gap with the old offset.
  return matching ?? naive - before * MINUTE_MS;
}

/** A local calendar day as instants: `from` its first moment, `to` the first moment of the next (23, 24 or 25 hours later). */
export function localDay(date: LocalDate, zone: string): { from: number; to: number } {
  return { from: zonedTime(date, 0, 0, zone), to: zonedTime(addDays(date, 1), 0, 0, zone) };
}

/** `Tue 24 Nov`, or `11月24日 周二` in Chinese. */
export function formatDay(date: LocalDate, locale = "en"): string {
  return write(date, patterns(locale).day, locale);
}

/**
 * ISO 8601 times in one zone, e.g. `2026-03-29T03:00:00.000+02:00`, fast enough for a year of hourly records:
 * the zone's offset is looked up once a day (Intl, some µs each) and reused while it does not change
 * (no zone changes its offset twice within a day).
 */
export function isoFormatter(zone: string): (ms: number) => string {
  let validFrom = Number.POSITIVE_INFINITY;
  let validTo = Number.NEGATIVE_INFINITY;
  let offset = 0;
  let suffix = "Z";
  return (ms) => {
    if (ms < validFrom || ms >= validTo) {
      offset = offsetMinutes(ms, zone);
      const dayLater = ms + 86_400_000;
      // The same offset a day later: no change in between. Otherwise this one time is looked up alone.
      [validFrom, validTo] = offsetMinutes(dayLater, zone) === offset ? [ms, dayLater] : [ms, ms + 1];
      const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
      const minutes = String(Math.abs(offset) % 60).padStart(2, "0");
      suffix = `${offset < 0 ? "-" : "+"}${hours}:${minutes}`;
    }
    return `${new Date(ms + offset * MINUTE_MS).toISOString().slice(0, -1)}${suffix}`;
  };
}

/** Zones offered as buttons; any other IANA name can be typed. */
export const COMMON_ZONES = [
  "UTC",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Moscow",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Australia/Sydney",
  "America/New_York",
  "America/Los_Angeles",
] as const;

/** A first guess from a Telegram language code (`zh-hans`, `de`, `en-US`, ...) until the user picks a zone. */
const ZONE_BY_LANGUAGE: Readonly<Record<string, string>> = {
  zh: "Asia/Shanghai",
  "zh-tw": "Asia/Taipei",
  "zh-hk": "Asia/Hong_Kong",
  ja: "Asia/Tokyo",
  ko: "Asia/Seoul",
  vi: "Asia/Ho_Chi_Minh",
  th: "Asia/Bangkok",
  id: "Asia/Jakarta",
  hi: "Asia/Kolkata",
  ru: "Europe/Moscow",
  uk: "Europe/Kyiv",
  tr: "Europe/Istanbul",
  de: "Europe/Berlin",
  fr: "Europe/Paris",
  es: "Europe/Madrid",
  it: "Europe/Rome",
  nl: "Europe/Amsterdam",
  pl: "Europe/Warsaw",
  pt: "Europe/Lisbon",
  "pt-br": "America/Sao_Paulo",
  "en-gb": "Europe/London",
  "en-us": "America/New_York",
  "en-au": "Australia/Sydney",
};

export function guessTimeZone(languageCode: string | undefined): string {
  const code = languageCode?.toLowerCase() ?? "";
  return ZONE_BY_LANGUAGE[code] ?? ZONE_BY_LANGUAGE[code.split("-")[0]!] ?? "UTC";
}
