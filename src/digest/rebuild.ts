import type { PreferenceStore } from "../store/preferences.js";
import type { DigestSchedule } from "./schedule.js";

/**
 * Gives every user whose digest is on a job scheduler again where the queue has none: after Redis was
 * restored without the queue's keys, or the bot moved to a cluster (whose queue keys have new names).
 * Preferences are the record of who asked for a digest; returns how many schedulers were made.
 */
export async function rebuildDigestSchedules(preferences: PreferenceStore, schedule: DigestSchedule): Promise<number> {
  let rebuilt = 0;
  for await (const userId of preferences.users()) {
    if (!(await preferences.digest(userId)).on || (await schedule.has(userId))) continue;
    // Read again just before: the user may have turned it off meanwhile, on another replica.
    const settings = await preferences.digest(userId);
    if (!settings.on) continue;
    await schedule.apply(userId, settings, await preferences.timeZone(userId));
    rebuilt++;
  }
  return rebuilt;
}
