import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);

/** `25 Nov 14:00` in the given IANA zone. */
export function formatDateTime(ms: number, zone: string): string {
  return dayjs(ms).tz(zone).format("D MMM HH:mm");
}

/** `25 Nov 2026` in the given IANA zone. */
export function formatDate(ms: number, zone: string): string {
  return dayjs(ms).tz(zone).format("D MMM YYYY");
}

/** `UTC+1`, `UTC+5:30`, `UTC` for the zone's offset at that moment. */
export function zoneLabel(ms: number, zone: string): string {
  const offset = dayjs(ms).tz(zone).utcOffset();
  if (offset === 0) return "UTC";
  const sign = offset > 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  return `UTC${sign}${hours}${minutes === 0 ? "" : `:${String(minutes).padStart(2, "0")}`}`;
}
