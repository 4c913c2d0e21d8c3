import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";

export interface RedisInstance {
  url: string;
  /** The server process this launcher started; undefined for an external REDIS_URL. */
  pid?: number;
  /** Stops the server this process started and removes its directory; does nothing for an external REDIS_URL. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}

function waitUntilReady(child: ChildProcess, port: number, readyLine = "Ready to accept connections"): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run redis-server (${error.message}); install it or set REDIS_URL`));
    });
  });
}

/** A private `redis-server` on a free port with its own temporary directory, or `REDIS_URL` when it is set. */
export async function startRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisInstance> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, stop: () => Promise.resolve() };
  return launchRedis([]);
}

/** A Redis Cluster of three primaries on free ports, each with its own temporary directory, its slots all assigned. */
export async function startRedisCluster(): Promise<{ nodes: { host: string; port: number }[]; stop(): Promise<void> }> {
  const servers = await Promise.all([0, 1, 2].map(() => launchRedis(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"])));
  const stop = async () => void (await Promise.all(servers.map((server) => server.stop())));
  try {
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    // The nodes agree on the slots a moment after `create` returns.
    for (const server of servers) {
      while (!(await run("redis-cli", ["-p", String(server.port), "cluster", "info"])).includes("cluster_state:ok")) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return { nodes: servers.map((server) => ({ host: "127.0.0.1", port: server.port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs a command to its end; its standard output, or an error naming what it printed. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`))));
  });
}

async function launchRedis(extraArgs: string[]): Promise<RedisInstance & { port: number }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "okxi-redis-"));
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--loglevel", "notice", ...extraArgs],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await waitUntilReady(child, port);
    } catch (error) {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
      // Another process may have taken the port between probing and binding: try another.
      if (attempt < 3 && child.exitCode !== null) continue;
      throw error;
    }
    return running(child, port, dir);
  }
}

/** A server this launcher started and now owns, with its temporary directory. */
function running(child: ChildProcess, port: number, dir: string): RedisInstance & { port: number } {
  child.stdout?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis Sentinel on a free port watching `masterUrl` under `name`, with its own temporary directory. */
export async function startSentinel(masterUrl: string, name: string): Promise<RedisInstance & { port: number }> {
  const master = new URL(masterUrl);
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "okxi-sentinel-"));
  const configFile = join(dir, "sentinel.conf");
  // Sentinel rewrites its configuration file, so it gets one of its own.
  await writeFile(configFile, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} ${master.hostname} ${master.port} 1\n`);
  const child = spawn("redis-server", [configFile, "--sentinel"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await waitUntilReady(child, port, "+monitor master");
  } catch (error) {
    child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return running(child, port, dir);
}
