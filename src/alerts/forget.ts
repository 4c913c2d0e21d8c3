import type { AlertSettingsStore } from "../store/alert-settings.js";
import type { AlertState } from "../store/alert-state.js";
import type { AlertSchedule } from "./schedule.js";

/**
 * `/disconnect`'s part of the alerts: the settings first (a check starting meanwhile finds no rule), then
 * the person's jobs (one being run is waited for), then what such a run may have written: the state, the
 * alerts waiting to go, the send marks.
 */
export function alertForgetting(parts: { settings: AlertSettingsStore; schedule: Pick<AlertSchedule, "forget">; state: AlertState }) {
  return {
    async forget(userId: number): Promise<void> {
      await parts.settings.forget(userId);
      await parts.schedule.forget(userId);
      await Promise.all([parts.state.forget(userId), parts.settings.forget(userId)]);
    },
    /** One account removed: its state, its alerts not yet sent and its snoozes; the rules stay for the other accounts. */
    async forgetAccount(userId: number, uid: string): Promise<void> {
      await Promise.all([parts.state.forgetAccount(userId, uid), parts.settings.forgetAccount(userId, uid)]);
    },
  };
}
