import { Queue } from "bullmq";
import { alertAccounts } from "../../src/alerts/accounts.js";
import type { AlertDependencies } from "../../src/alerts/check.js";
import { ALERT_QUEUE, AlertSchedule, type AlertJobData } from "../../src/alerts/schedule.js";
import { alertRenderer } from "../../src/bot/views/alerts.js";
import { AlertSettingsStore } from "../../src/store/alert-settings.js";
import { AlertState } from "../../src/store/alert-state.js";
import { RedisLocks } from "../../src/store/locks.js";
import { SendMarks } from "../../src/store/send-marks.js";
import { digestHarness, type DigestHarness, type DigestHarnessOptions } from "./digest-harness.js";

export interface AlertHarness extends DigestHarness {
  alerts: AlertDependencies & { schedule: AlertSchedule; settings: AlertSettingsStore };
  alertQueue: Queue<AlertJobData>;
}

/**
 * Everything the alerts need, built the way `src/main.ts` builds it (on `digestHarness`'s OKX client, cache,
 * walk, send pace and Api), against the fakes and a real Redis: for the alert tests and `bench:alerts`.
 * A person's accounts are those whose keys open, as `src/main.ts` wires `accountsOf`.
 */
export function alertHarness(options: DigestHarnessOptions): AlertHarness {
  const harness = digestHarness(options);
  const { redis, prefix } = options;
  const alertQueue = new Queue<AlertJobData>(ALERT_QUEUE, { connection: harness.connection, prefix: harness.bullPrefix });
  const { dependencies } = harness;
  const alerts = {
    accountsOf: alertAccounts(harness.credentials),
    settings: new AlertSettingsStore(redis, prefix),
    state: new AlertState(redis, prefix),
    marks: new SendMarks(redis, prefix),
    cache: harness.cache,
    history: harness.history,
    locks: new RedisLocks(redis, prefix),
    preferences: harness.preferences,
    schedule: new AlertSchedule(alertQueue, redis),
    api: dependencies.api,
    pacer: dependencies.pacer,
    translate: (locale: string) => dependencies.translate(locale),
    renderer: alertRenderer,
    logger: dependencies.logger,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  return {
    ...harness,
    alerts,
    alertQueue,
    async close() {
      await alertQueue.close();
      await harness.close();
    },
  };
}
