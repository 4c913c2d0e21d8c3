import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { UpdateQueue } from "../support/fake-telegram/updates.js";
import { WebhookPump } from "../support/fake-telegram/webhook.js";
import { failureOf } from "./failure.js";

const chat = { id: 1, type: "private" as const, first_name: "Ann" };
const message = (text: string) => ({ message: { message_id: 1, date: 0, chat, from: { id: 1, is_bot: false, first_name: "Ann" }, text } });

const receivers: ReturnType<typeof createServer>[] = [];
const pumps: WebhookPump[] = [];

interface Received {
  headers: IncomingHttpHeaders;
  update: Update;
  res: ServerResponse;
}

/** A bot's webhook endpoint; each test answers the deliveries as it likes. */
async function startReceiver(answer: (delivery: Received) => void) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: req.headers, update: JSON.parse(Buffer.concat(chunks).toString()) as Update, res };
      received.push(delivery);
      answer(delivery);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  receivers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

afterEach(() => {
  for (const pump of pumps.splice(0)) pump.stop();
  for (const server of receivers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

function webhookPump() {
  const updates = new UpdateQueue();
  const answers: string[] = [];
  let installed = 0;
  const pump = new WebhookPump(updates, { installed: () => installed++, answered: (body) => answers.push(body) });
  pumps.push(pump);
  return { updates, pump, answers, installs: () => installed };
}

const until = async (done: () => boolean) => {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 3000) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("the webhook pump", () => {
  it("posts the pending updates in order, one at a time, with the secret token, and hands on each answer", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const receiver = await startReceiver(({ update, res }) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: "sendMessage", text: update.message?.text }));
      }, 20);
    });
    const { updates, pump, answers, installs } = webhookPump();
    for (const text of ["a", "b", "c"]) updates.add(message(text));
    expect(pump.set({ url: receiver.url, secret_token: "s3cr3t_token" })).toBe(true);
    expect(installs()).toBe(1);
    await until(() => answers.length === 3);
    expect(receiver.received.map((delivery) => delivery.update.message?.text)).toEqual(["a", "b", "c"]);
    expect(receiver.received.every((delivery) => delivery.headers["x-telegram-bot-api-secret-token"] === "s3cr3t_token")).toBe(true);
    expect(mostInFlight).toBe(1);
    expect(answers.map((body) => JSON.parse(body) as unknown)).toEqual(["a", "b", "c"].map((text) => ({ method: "sendMessage", text })));
    expect(updates.size).toBe(0);
  });

  it("retries an update until the webhook answers 2xx, and reports the last error", async () => {
    let failuresLeft = 2;
    const receiver = await startReceiver(({ res }) => res.writeHead(failuresLeft-- > 0 ? 502 : 200).end());
    const { updates, pump, answers } = webhookPump();
    pump.set({ url: receiver.url, max_connections: 5, allowed_updates: ["message", "callback_query"] });
    updates.add(message("a"));
    pump.pump();
    await until(() => answers.length === 1);
    expect(receiver.received).toHaveLength(3);
    expect(answers).toEqual([""]);
    expect(pump.info()).toMatchObject({
      url: receiver.url,
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 5,
      last_error_date: expect.any(Number) as number,
      last_error_message: "Wrong response from the webhook: 502 Bad Gateway",
      allowed_updates: ["message", "callback_query"],
    });
  });

  it("reports a webhook it cannot reach and keeps the update", async () => {
    const receiver = await startReceiver(() => undefined);
    const unreachable = receiver.url;
    for (const server of receivers.splice(0)) server.close();
    const { updates, pump } = webhookPump();
    updates.add(message("a"));
    pump.set({ url: unreachable });
    await until(() => pump.info().last_error_message !== undefined);
    expect(pump.info()).toMatchObject({ pending_update_count: 1, last_error_message: expect.stringContaining("ECONNREFUSED") as string });
  });

  it("refuses a URL that is not HTTP(S) and a secret token with other characters, changing nothing", () => {
    const { pump, installs } = webhookPump();
    expect(failureOf(() => pump.set({ url: "ftp://example.com/hook" }))).toEqual({
      code: 400,
      description: "Bad Request: bad webhook: invalid webhook URL specified",
    });
    expect(failureOf(() => pump.set({ url: "https://example.com/hook", secret_token: "not secret" }))).toEqual({
      code: 400,
      description: "Bad Request: secret token contains unallowed characters",
    });
    expect(pump.active).toBe(false);
    expect(installs()).toBe(0);
    expect(pump.info()).toEqual({ url: "", has_custom_certificate: false, pending_update_count: 0 });
  });

  it("stops delivering once removed, dropping the pending updates when asked", async () => {
    const receiver = await startReceiver(({ res }) => res.writeHead(200).end());
    const { updates, pump, answers } = webhookPump();
    pump.set({ url: receiver.url });
    updates.add(message("a"));
    pump.pump();
    await until(() => answers.length === 1);
    // An empty URL removes the webhook, as deleteWebhook does.
    pump.set({ url: "" });
    expect(pump.active).toBe(false);
    updates.add(message("b"));
    pump.pump();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    expect(updates.size).toBe(1);
    pump.remove(true);
    expect(updates.size).toBe(0);
  });

  it("once stopped delivers nothing more, the webhook still set", async () => {
    const receiver = await startReceiver(({ res }) => res.writeHead(200).end());
    const { updates, pump } = webhookPump();
    pump.set({ url: receiver.url });
    pump.stop();
    updates.add(message("a"));
    pump.pump();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(0);
    expect(pump.active).toBe(true);
  });
});
