import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Priority } from "../domain/priority.js";

/** What `/metrics` shows, in Prometheus' text format. */
export interface Metrics {
  registry: Registry;
  updateHandled: (kind: string, outcome: "ok" | "error", seconds: number) => void;
  okxAnswered: (path: string, code: string) => void;
  redisError: () => void;
  /** A digest (or the one notice about a broken key) reached Telegram. */
  digestSent: () => void;
  /** A digest given up on after its retries. */
  digestFailed: () => void;
}

export function createMetrics(queued: () => Readonly<Record<Priority, number>>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "okxi_" });
  const updates = new Counter({
    name: "okxi_updates_total",
    help: "Telegram updates handled",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "okxi_update_duration_seconds",
    help: "Time to handle one update",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const okx = new Counter({
    name: "okxi_okx_requests_total",
    help: "OKX answers by path and code (NETWORK, TIMEOUT for none)",
    labelNames: ["path", "code"],
    registers: [registry],
  });
  const redisErrors = new Counter({ name: "okxi_redis_errors_total", help: "Redis connection errors", registers: [registry] });
  const digestsSent = new Counter({
    name: "okxi_digests_sent_total",
    help: "Daily digests (and broken-key notices) delivered",
    registers: [registry],
  });
  const digestsFailed = new Counter({
    name: "okxi_digests_failed_total",
    help: "Daily digests given up on after their retries",
    registers: [registry],
  });
  new Gauge({
    name: "okxi_limiter_queued",
    help: "OKX requests waiting for their account's slot in this process, by priority",
    labelNames: ["priority"],
    registers: [registry],
    collect() {
      for (const [priority, count] of Object.entries(queued())) this.set({ priority }, count);
    },
  });
  return {
    registry,
    updateHandled: (kind, outcome, seconds) => {
      updates.inc({ kind, outcome });
      latency.observe({ kind }, seconds);
    },
    okxAnswered: (path, code) => okx.inc({ path, code }),
    redisError: () => redisErrors.inc(),
    digestSent: () => digestsSent.inc(),
    digestFailed: () => digestsFailed.inc(),
  };
}
