import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ReplicaJob, ReplicaReport } from "./okx-replica.js";

const run = promisify(execFile);
const REPLICA = fileURLToPath(new URL("./okx-replica.ts", import.meta.url));

/** Runs each job in its own Node process (TypeScript through tsx) and collects their reports. */
export async function runReplicas(jobs: ReplicaJob[]): Promise<ReplicaReport[]> {
  return Promise.all(
    jobs.map(async (job) => {
      const { stdout } = await run(process.execPath, ["--import", "tsx", REPLICA, JSON.stringify(job)], {
        maxBuffer: 1 << 20,
      });
      return JSON.parse(stdout) as ReplicaReport;
    }),
  );
}
