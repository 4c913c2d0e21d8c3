import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface BotProcess {
  /** Every log line so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Where `/healthz`, `/readyz` and `/metrics` answer. */
  httpUrl: string;
  /** Resolves once the bot has logged this many handled updates (it logs each when it is done with it). */
  handled(updates: number, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the process to end; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  child: ChildProcess;
}

/**
 * The bot exactly as `npm start` runs it (from source, through tsx), configured only through its
 * environment: the same code path as production, pointed at local fakes.
 */
export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "info", HTTP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A bot that never came up must not outlive the caller that gave up on it.
      child.kill("SIGKILL");
      const lastLog = lines.slice(-3).map((line) => JSON.stringify(line));
      reject(new Error(`the bot did not start within 15 s:\n${[...lastLog, stderr].join("\n")}`));
    }, 15_000);
    const poll = setInterval(() => {
      if (lines.some((line) => String(line.msg).startsWith("bot started"))) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 20);
    void exited.then((code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`the bot exited with ${code}:\n${stderr}`));
    });
  });

  const port = lines.find((line) => String(line.msg).startsWith("http listening"))?.port;
  return {
    child,
    httpUrl: `http://127.0.0.1:${String(port)}`,
    logs: () => [...lines],
    async handled(updates, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.filter((line) => line.msg === "update").length < updates) {
        if (Date.now() > deadline) throw new Error(`the bot handled fewer than ${updates} updates within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
