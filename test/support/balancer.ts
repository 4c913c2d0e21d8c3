import { once } from "node:events";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A round-robin HTTP load balancer in front of bot replicas, as a production deployment has one: each
 * request goes to the next replica, and to the one after it when a replica refuses (503 while it drains,
 * or no connection at all), so Telegram sees an error only when no replica takes the update.
 */
export interface Balancer {
  url: string;
  /** Where each request ended up, in order (the replica's base URL, or "none"). */
  routed: string[];
  setTargets(targets: string[]): void;
  close(): Promise<void>;
}

interface Forwarded {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function forward(target: string, path: string, method: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Forwarded | undefined> {
  return new Promise((resolve) => {
    const outgoing = request(`${target}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", () => resolve(undefined));
    });
    outgoing.on("error", () => resolve(undefined));
    outgoing.end(body);
  });
}

export async function startBalancer(): Promise<Balancer> {
  let targets: string[] = [];
  let next = 0;
  const routed: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const start = next++;
        for (let tried = 0; tried < targets.length; tried++) {
          const target = targets[(start + tried) % targets.length]!;
          const answer = await forward(target, req.url ?? "/", req.method ?? "GET", req.headers, body);
          if (answer === undefined || answer.status === 503) continue;
          routed.push(target);
          res.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        routed.push("none");
        res.writeHead(502).end();
      })();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routed,
    setTargets: (replicas) => (targets = [...replicas]),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
