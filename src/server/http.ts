import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface HttpDependencies {
  registry: Registry;
  /** Each check resolves when its dependency answers, and rejects (or times out) when it does not. */
  readiness: Record<string, () => Promise<unknown>>;
  /** Further routes, e.g. the Telegram webhook: return false to fall through to 404. */
  routes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  readinessTimeoutMs?: number;
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** `/healthz` (the process is alive), `/readyz` (Redis and Telegram answer), `/metrics` (Prometheus). */
export async function startHttpServer(port: number, dependencies: HttpDependencies): Promise<HttpServer> {
  const timeoutMs = dependencies.readinessTimeoutMs ?? 2_000;
  const check = async (probe: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timed out")), timeoutMs)));
    try {
      await Promise.race([probe(), timeout]);
      return "ok";
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") return json(res, 200, { status: "ok" });
      if (req.method === "GET" && path === "/readyz") {
        const names = Object.keys(dependencies.readiness);
        const results = await Promise.all(names.map((name) => check(dependencies.readiness[name]!)));
        const checks = Object.fromEntries(names.map((name, index) => [name, results[index]]));
        const ready = results.every((result) => result === "ok");
        return json(res, ready ? 200 : 503, { status: ready ? "ready" : "unavailable", checks });
      }
      if (req.method === "GET" && path === "/metrics") {
        res.writeHead(200, { "content-type": dependencies.registry.contentType });
        return res.end(await dependencies.registry.metrics());
      }
      if (await dependencies.routes?.(req, res)) return;
      json(res, 404, { status: "not found" });
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { status: "error", message: error instanceof Error ? error.message : String(error) });
    });
  });
  server.listen(port);
  await once(server, "listening");
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
