import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";

/** An update's webhook HTTP answer while it is still open: Telegram performs one API call given in it. */
export interface WebhookAnswer {
  /** Puts the call (its method and parameters) into the answer; false when the answer has gone already. */
  offer(call: Record<string, unknown>): boolean;
}

export interface WebhookOptions {
  path: string;
  secretToken: string;
  /** Handles one update; the webhook answers Telegram by `replyWaitMs` at the latest, whether it is done or not. */
  handle: (update: Update, answer: WebhookAnswer) => Promise<void>;
  /** Told of a failure that escaped `handle`. */
  onError: (error: unknown) => void;
  /**
   * How long the answer waits for a call to carry before it goes out empty (sooner when the handler is done).
   * Telegram resends an update whose call is slow, so slow work never holds it longer. 0: answer at once.
   */
  replyWaitMs: number;
  maxBodyBytes?: number;
}

export interface Webhook {
  route: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Stops taking updates (Telegram then delivers them to another replica) and resolves when those in flight are done. */
  drain: () => Promise<void>;
}

/**
 * The secret token, compared in constant time. Node hands a header over as latin1 (one character per byte),
 * so a byte outside ASCII is one character there and two bytes in UTF-8: equal lengths in characters say
 * nothing of lengths in bytes, and `timingSafeEqual` throws on unequal ones. The SHA-256 digests of both are
 * always 32 bytes, and reveal nothing of the secret's length either.
 */
const digest = (value: string) => createHash("sha256").update(value, "latin1").digest();
const matches = (given: string | string[] | undefined, expected: string) =>
  typeof given === "string" && timingSafeEqual(digest(given), digest(expected));

/** The 200 for one update: empty, or carrying the one call a handler offers while it is open. */
function openAnswer(res: ServerResponse, waitMs: number): WebhookAnswer & { close(): void } {
  let open = true;
  const send = (body?: string) => {
    if (!open) return false;
    open = false;
    clearTimeout(timer);
    // Telegram gave up on this delivery already (and will resend the update): a call put here would be lost.
    if (res.destroyed) return false;
    if (body === undefined) res.writeHead(200).end();
    else res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    return true;
  };
  const timer = waitMs > 0 ? setTimeout(send, waitMs) : undefined;
  if (timer === undefined) send();
  return { offer: (call) => send(JSON.stringify(call)), close: () => void send() };
}

/**
 * Telegram's webhook: checks `X-Telegram-Bot-Api-Secret-Token`, hands the update over with its open answer,
 * and answers 200 by `replyWaitMs` at the latest while the handling goes on in the background (OKX work can
 * take seconds).
 */
export function createWebhook(options: WebhookOptions): Webhook {
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  return {
    async route(req, res) {
      if (new URL(req.url ?? "/", "http://localhost").pathname !== options.path) return false;
      if (req.method !== "POST") return (res.writeHead(405).end(), true);
      if (!matches(req.headers["x-telegram-bot-api-secret-token"], options.secretToken)) return (res.writeHead(401).end(), true);
      if (!accepting) return (res.writeHead(503).end(), true);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBody) return (res.writeHead(413).end(), true);
        chunks.push(chunk);
      }
      let update: Update;
      try {
        update = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Update;
        if (typeof update.update_id !== "number") throw new Error("no update_id");
      } catch {
        return (res.writeHead(400).end(), true);
      }
      const answer = openAnswer(res, options.replyWaitMs);
      const work = options
        .handle(update, answer)
        .catch(options.onError)
        .finally(() => answer.close());
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
