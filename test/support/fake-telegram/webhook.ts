import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { setTimeout as delay } from "node:timers/promises";
import type { Update, WebhookInfo } from "grammy/types";
import { unixNow } from "./clock.js";
import { badRequest } from "./failures.js";
import { integerParam, stringParam } from "./params.js";
import type { ApiParams } from "./types.js";
import type { UpdateQueue } from "./updates.js";

const WEBHOOK_RETRY_MS = 100;
const WEBHOOK_TIMEOUT_MS = 10_000;

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
  /** Aborted when the webhook is replaced or deleted, or the fake closes: ends delivery to it. */
  stop: AbortController;
}

type Delivery = { ok: true; body: string } | { ok: false; error: string };

/** One POST of one update; never rejects. */
function postUpdate(hook: Webhook, update: Update): Promise<Delivery> {
  return new Promise((resolve) => {
    const body = JSON.stringify(update);
    const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
    if (hook.secretToken !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secretToken;
    const send = hook.url.startsWith("https:") ? httpsRequest : httpRequest;
    // No agent: each delivery closes its connection, so nothing lingers after close().
    const request = send(hook.url, { method: "POST", headers, agent: false, signal: hook.stop.signal, timeout: WEBHOOK_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => resolve({ ok: false, error: error.message }));
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, body: Buffer.concat(chunks).toString("utf8") });
        else resolve({ ok: false, error: `Wrong response from the webhook: ${status} ${response.statusMessage ?? ""}`.trim() });
      });
    });
    request.on("timeout", () => request.destroy(new Error("Read timeout expired")));
    request.on("error", (error) => resolve({ ok: false, error: error.message }));
    request.end(body);
  });
}

export interface WebhookEvents {
  /** A webhook was set: a long poll waiting now conflicts with it. */
  installed(): void;
  /** The body of a 2xx answer: Telegram performs the API call it gives, if any. */
  answered(body: string): void;
}

/** `setWebhook` and its delivery: the pending updates posted one at a time, in order, each until the webhook answers 2xx. */
export class WebhookPump {
  private hook: Webhook | undefined;
  private delivering = false;

  constructor(
    private readonly updates: UpdateQueue,
    private readonly events: WebhookEvents,
  ) {}

  get active(): boolean {
    return this.hook !== undefined;
  }

  set(params: ApiParams): true {
    const url = stringParam(params, "url") ?? "";
    const dropPending = params.drop_pending_updates === true;
    if (url === "") return this.remove(dropPending);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw badRequest("bad webhook: invalid webhook URL specified");
    const secretToken = stringParam(params, "secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    this.updates.setAllowed(params.allowed_updates);
    this.remove(dropPending);
    this.hook = { url, secretToken, maxConnections: integerParam(params, "max_connections") ?? 40, stop: new AbortController() };
    this.events.installed();
    this.pump();
    return true;
  }

  remove(dropPending: boolean): true {
    this.hook?.stop.abort();
    this.hook = undefined;
    if (dropPending) this.updates.clear();
    return true;
  }

  /** Ends delivery for good, as the fake closes; the webhook stays set. */
  stop(): void {
    this.hook?.stop.abort();
  }

  info(): WebhookInfo {
    const hook = this.hook;
    const info: WebhookInfo = { url: hook?.url ?? "", has_custom_certificate: false, pending_update_count: this.updates.size };
    if (hook === undefined) return info;
    info.max_connections = hook.maxConnections;
    if (hook.lastErrorDate !== undefined) info.last_error_date = hook.lastErrorDate;
    if (hook.lastErrorMessage !== undefined) info.last_error_message = hook.lastErrorMessage;
    const allowed = this.updates.allowedKinds();
    if (allowed !== undefined) info.allowed_updates = allowed;
    return info;
  }

  /** Starts delivering the oldest pending update, unless one is under way or there is no webhook. */
  pump(): void {
    const hook = this.hook;
    const update = this.updates.oldest(1)[0];
    if (this.delivering || hook === undefined || update === undefined || hook.stop.signal.aborted) return;
    this.delivering = true;
    void this.deliver(hook, update).finally(() => {
      this.delivering = false;
      this.pump();
    });
  }

  private async deliver(hook: Webhook, update: Update): Promise<void> {
    const delivery = await postUpdate(hook, update);
    if (hook.stop.signal.aborted) return;
    if (delivery.ok) {
      this.updates.remove(update);
      this.events.answered(delivery.body);
      return;
    }
    hook.lastErrorDate = unixNow();
    hook.lastErrorMessage = delivery.error;
    await delay(WEBHOOK_RETRY_MS, undefined, { signal: hook.stop.signal }).catch(() => undefined);
  }
}
