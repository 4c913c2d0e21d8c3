import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { startHttpServer } from "../../src/server/http.js";
import { createWebhook, type WebhookAnswer, type WebhookOptions } from "../../src/server/webhook.js";

const SECRET = "webhook-test";
let server: Server | undefined;

afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A webhook on a free port whose handler is `handle`. */
async function serve(handle: WebhookOptions["handle"], replyWaitMs: number) {
  const webhook = createWebhook({ path: "/hook", secretToken: SECRET, handle, onError: () => undefined, replyWaitMs });
  server = createServer((req, res) => void webhook.route(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const post = async (update: object) => {
    const started = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(update) });
    return { status: response.status, type: response.headers.get("content-type"), body: await response.text(), ms: performance.now() - started };
  };
  return { webhook, post };
}

/** A webhook whose handler holds on to its update until released; `answer` is that update's open answer. */
async function serveHeld(replyWaitMs: number) {
  let release: () => void = () => undefined;
  let handed: (answer: WebhookAnswer) => void = () => undefined;
  const answer = new Promise<WebhookAnswer>((resolve) => (handed = resolve));
  const { post } = await serve((_update, given) => {
    handed(given);
    return new Promise<void>((resolve) => (release = resolve));
  }, replyWaitMs);
  return { post, answer, release: () => release() };
}

const update = { update_id: 7, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, text: "/help" } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the webhook's answer", () => {
  it("carries the one call a handler offers while it is open", async () => {
    const offered: boolean[] = [];
    const { post } = await serve((_update, answer) => {
      offered.push(answer.offer({ method: "sendMessage", chat_id: 1, text: "hi" }));
      offered.push(answer.offer({ method: "sendMessage", chat_id: 1, text: "again" }));
      return Promise.resolve();
    }, 5_000);
    const answer = await post(update);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual({ method: "sendMessage", chat_id: 1, text: "hi" });
    expect(offered).toEqual([true, false]);
  });

  it("goes out empty as soon as the handler is done without a call to carry", async () => {
    const { post } = await serve(async () => void (await sleep(20)), 5_000);
    const answer = await post(update);
    expect(answer).toMatchObject({ status: 200, body: "" });
    expect(answer.ms).toBeLessThan(2_000);
  });

  it("does not wait for slow work past its wait: the handler goes on, and a later offer is refused", async () => {
    let offeredLate: boolean | undefined;
    const { webhook, post } = await serve(async (_update, answer) => {
      await sleep(600);
      offeredLate = answer.offer({ method: "sendMessage", chat_id: 1, text: "late" });
    }, 50);
    const answer = await post(update);
    expect(answer).toMatchObject({ status: 200, body: "" });
    expect(offeredLate).toBeUndefined();
    await webhook.drain();
    expect(offeredLate).toBe(false);
  });

  it("answers at once with a wait of 0", async () => {
    const held = await serveHeld(0);
    const answer = await held.post(update);
    expect(answer).toMatchObject({ status: 200, body: "" });
    expect((await held.answer).offer({ method: "sendMessage", chat_id: 1, text: "hi" })).toBe(false);
    held.release();
  });

  it("refuses an offer once Telegram has gone away (it will resend the update)", async () => {
    const held = await serveHeld(5_000);
    const posting = held.post(update).catch(() => "aborted");
    const answer = await held.answer;
    server!.closeAllConnections();
    expect(await posting).toBe("aborted");
    await sleep(20);
    expect(answer.offer({ method: "sendMessage", chat_id: 1, text: "hi" })).toBe(false);
    held.release();
  });
});

describe("the webhook's secret token", () => {
  /** Posts over a bare socket, so the header's bytes are exactly those given. */
  const post = async (port: number, token: Buffer) => {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    const body = JSON.stringify(update);
    const head = `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n`;
    socket.end(Buffer.concat([Buffer.from(`${head}x-telegram-bot-api-secret-token: `), token, Buffer.from(`\r\n\r\n${body}`)]));
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString("latin1"))?.[1]);
  };

  it("answers 401 to a wrong token of the right length with a byte outside ASCII, and 200 to the right one", async () => {
    const webhook = createWebhook({ path: "/hook", secretToken: SECRET, handle: () => Promise.resolve(), onError: () => undefined, replyWaitMs: 0 });
    const http = await startHttpServer(0, { registry: new Registry(), readiness: {}, routes: webhook.route });
    try {
      // As many bytes as the secret, the last one 0xE9: Node reads it as "é", one character of two UTF-8 bytes.
      const wrong = Buffer.concat([Buffer.from(SECRET.slice(0, -1)), Buffer.from([0xe9])]);
      expect(wrong.length).toBe(SECRET.length);
      expect(await post(http.port, wrong)).toBe(401);
      expect(await post(http.port, Buffer.from(`${SECRET}x`))).toBe(401);
      expect(await post(http.port, Buffer.from(SECRET))).toBe(200);
    } finally {
      http.server.closeAllConnections();
      await http.close();
    }
  });
});
