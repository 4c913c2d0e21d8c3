import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";

export interface WebhookOptions {
  path: string;
  secretToken: string;
  /** Handles one update; the webhook has already answered Telegram by then. */
  handle: (update: Update) => Promise<void>;
  /** Told of a failure that escaped `handle`. */
  onError: (error: unknown) => void;
  maxBodyBytes?: number;
}

export interface Webhook {
  route: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Stops taking updates (Telegram then delivers them to another replica) and resolves when those in flight are done. */
  drain: () => Promise<void>;
}

const matches = (given: string | string[] | undefined, expected: string) =>
  typeof given === "string" && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * Telegram's webhook: checks `X-Telegram-Bot-Api-Secret-Token`, answers 200 at once (Telegram resends an
 * update whose call is slow, and OKX work can take seconds), then handles the update in the background.
 */
export function createWebhook(options: WebhookOptions): Webhook {
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  return {
    async route(req, res) {
      if (new URL(req.url ?? "/", "http://localhost").pathname !== options.path) return false;
      if (req.method !== "POST") return res.writeHead(405).end(), true;
      if (!matches(req.headers["x-telegram-bot-api-secret-token"], options.secretToken)) return res.writeHead(401).end(), true;
      if (!accepting) return res.writeHead(503).end(), true;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBody) return res.writeHead(413).end(), true;
        chunks.push(chunk);
      }
      let update: Update;
      try {
        update = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Update;
        if (typeof update.update_id !== "number") throw new Error("no update_id");
      } catch {
        return res.writeHead(400).end(), true;
      }
      res.writeHead(200).end();
      const work = options.handle(update).catch(options.onError);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return true;
    },
    async drain() {
      accepting = false;
      await Promise.all(inFlight);
    },
  };
}
