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
  };
}
