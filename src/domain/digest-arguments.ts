import { parseClockTime, type ClockTime } from "./clock-time.js";
import { canonicalZone, looksLikeZoneName } from "./time.js";

/** What `/digest` was given: a time, a zone, both, or text that is neither (`invalid`), or a zone that does not exist. */
export type DigestArguments = { time?: ClockTime; zone?: string } | { invalid: true } | { unknownZone: string };

/** `/digest 18:02`, `/digest Europe/Paris`, `/digest 8:30 pm Asia/Shanghai`: one zone name, and a time in what is left. */
export function digestArguments(typed: string): DigestArguments {
  const words = typed.split(/\s+/);
  const zones = words.filter((word) => looksLikeZoneName(word));
  const rest = words.filter((word) => !looksLikeZoneName(word)).join(" ");
  if (zones.length > 1) return { invalid: true };
  const zone = zones[0] === undefined ? undefined : canonicalZone(zones[0]);
  if (zones[0] !== undefined && zone === undefined) return { unknownZone: zones[0] };
  const time = rest === "" ? undefined : parseClockTime(rest);
  if (rest !== "" && time === undefined) return { invalid: true };
  return { ...(time === undefined ? {} : { time }), ...(zone === undefined ? {} : { zone }) };
}
