import { spawn, type ChildProcess } from "node:child_process";

/** Starts a worker script (TypeScript through tsx) with its job as JSON; resolves once it prints `ready`. */
export function startWorkerProcess(script: string, job: unknown): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(job)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`a worker exited with ${code}`)));
  });
}

/** Stops the workers still running (SIGTERM) and waits for them to exit. */
export async function stopWorkerProcesses(children: readonly ChildProcess[]): Promise<void> {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once("exit", resolve)));
  for (const child of running) child.kill("SIGTERM");
  await Promise.all(exited);
}

/** Runs `work` on every item, `size` at a time. */
export async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
}
