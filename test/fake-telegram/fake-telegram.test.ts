import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, InlineKeyboard, InputFile } from "grammy";
import { PNG } from "pngjs";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions } from "../support/fake-telegram/index.js";

interface RawAnswer {
  status: number;
  body: unknown;
}

/** A call as any HTTP client makes it, to check the exact answers. */
async function rawCall(fake: FakeTelegram, method: string, params: Record<string, unknown> = {}, token = fake.token): Promise<RawAnswer> {
  const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() };
}

async function withFake(test: (fake: FakeTelegram) => Promise<void>, options?: FakeTelegramOptions): Promise<void> {
  const fake = await startFakeTelegram(options);
  try {
    await test(fake);
  } finally {
    await fake.close();
  }
}

/** The real grammY bot, long polling against the fake; stopped whatever the test does. */
async function withBot(fake: FakeTelegram, setup: (bot: Bot) => void, test: () => Promise<void>): Promise<void> {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  setup(bot);
  let running: Promise<void> | undefined;
  await new Promise<void>((resolve, reject) => {
    running = bot.start({ onStart: () => resolve() });
    running.catch(reject);
  });
  try {
    await test();
  } finally {
    await bot.stop();
    await running;
  }
}

describe("fake Telegram with the real grammY bot", () => {
  it("runs /start, a button press, the callback answer and the edit over long polling", async () => {
    await withFake(async (fake) => {
      const alice = fake.user(1001, { first_name: "Alice", username: "alice" });
      await withBot(
        fake,
        (bot) => {
          bot.command("start", (ctx) => ctx.reply("Pick a view", { reply_markup: new InlineKeyboard().text("Rates", "view:rates") }));
          bot.callbackQuery("view:rates", async (ctx) => {
            await ctx.answerCallbackQuery({ text: "Loading rates" });
            await ctx.editMessageText("<b>USDT</b> 3.58 % a year", { parse_mode: "HTML" });
          });
        },
        async () => {
          const sent = fake.sendText(alice, "/start");
          expect(sent.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);

          const menu = await fake.nextBotMessage(alice.id);
          expect(menu).toMatchObject({ message_id: 2, text: "Pick a view", edited: false, deleted: false });
          expect(menu.from.is_bot).toBe(true);
          expect(menu.reply_markup).toEqual({ inline_keyboard: [[{ text: "Rates", callback_data: "view:rates" }]] });

          const mark = fake.calls().length;
          const queryId = fake.pressButton(alice, menu, "view:rates");
          await fake.waitFor("editMessageText", 2000, mark);

          expect(fake.callbackAnswer(queryId)).toMatchObject({ text: "Loading rates", show_alert: false });
          const edited = fake.lastBotMessage(alice.id);
          expect(edited).toMatchObject({
            message_id: menu.message_id,
            text: "USDT 3.58 % a year",
            entities: [{ type: "bold", offset: 0, length: 4 }],
            source: "<b>USDT</b> 3.58 % a year",
            edited: true,
          });
          // Editing the text without reply_markup drops the keyboard, as on Telegram.
          expect(edited?.reply_markup).toBeUndefined();
          expect(() => fake.pressButton(alice, menu, "view:rates")).toThrow(/no button/);
        },
      );
      expect(fake.calls("getUpdates").length).toBeGreaterThan(0);
    });
  });

  it("routes /cmd@botname in a group to the bot's command handler", async () => {
    await withFake(async (fake) => {
      const bob = fake.user(1002, { first_name: "Bob" });
      const traders = fake.group(-100200, "Traders");
      await withBot(
        fake,
        (bot) => bot.command("rates", (ctx) => ctx.reply(`rates for ${ctx.match || "all"}`)),
        async () => {
          const sent = fake.sendText(bob, `/rates@${fake.botInfo.username} BTC`, traders);
          expect(sent.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 + fake.botInfo.username.length + 1 }]);
          const reply = await fake.nextBotMessage(traders.id);
          expect(reply).toMatchObject({ text: "rates for BTC", chat: { id: -100200, type: "group", title: "Traders" } });
        },
      );
    });
  });

  it("delivers a document from an InputFile by multipart, with its byte length and name", async () => {
    await withFake(async (fake) => {
      const carol = fake.user(1003);
      fake.sendText(carol, "/export");
      const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
      const csv = Buffer.from("ts,ccy,interest\n1700000000000,USDT,0.0102\n");
      const sent = await bot.api.sendDocument(carol.id, new InputFile(csv, "interest.csv"), {
        caption: "Your <i>export</i>",
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Again", "export"),
      });
      expect(sent.document).toMatchObject({ file_name: "interest.csv", file_size: csv.length });
      expect(sent.caption).toBe("Your export");

      const stored = fake.lastBotMessage(carol.id);
      expect(stored?.file).toMatchObject({ kind: "document", byteLength: csv.length, filename: "interest.csv" });
      expect(stored?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Again", callback_data: "export" }]] });
      const [call] = fake.calls("sendDocument");
      expect(call?.params).toMatchObject({ chat_id: carol.id, document: { filename: "interest.csv", byteLength: csv.length } });

      // The file id Telegram returned sends the same file again, without an upload.
      const again = await bot.api.sendDocument(carol.id, sent.document?.file_id ?? "");
      expect(again.document?.file_id).toBe(sent.document?.file_id);
      // A URL is recorded, not downloaded; an id the fake never issued is refused.
      const chart = await bot.api.sendPhoto(carol.id, "https://example.com/chart.png");
      expect(chart.photo?.[0]?.file_id).toEqual(expect.any(String));
      expect(fake.lastBotMessage(carol.id)?.file).toMatchObject({ kind: "photo", url: "https://example.com/chart.png" });
      await expect(bot.api.sendPhoto(carol.id, "no-such-file-id")).rejects.toThrow(/wrong file identifier\/HTTP URL specified/);
    });
  });

  it("keeps an uploaded photo's bytes, answers its sizes as Telegram does, and refuses what Telegram refuses", async () => {
    await withFake(async (fake) => {
      const dave = fake.user(1004);
      fake.sendText(dave, "/chart");
      const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
      const picture = new PNG({ width: 1600, height: 400 });
      picture.data.fill(200);
      const png = PNG.sync.write(picture);
      const sent = await bot.api.sendPhoto(dave.id, new InputFile(png, "chart.png"), { caption: "Interest per day" });
      // Scaled to each of Telegram's longest sides below the original, the largest at 1280.
      expect(sent.photo?.map((size) => [size.width, size.height])).toEqual([
        [90, 23],
        [320, 80],
        [800, 200],
        [1280, 320],
      ]);
      const stored = fake.lastBotMessage(dave.id)?.file;
      expect(stored).toMatchObject({ kind: "photo", width: 1600, height: 400, byteLength: png.length });
      expect(Buffer.from(stored!.content!).equals(png)).toBe(true);

      await expect(bot.api.sendPhoto(dave.id, new InputFile(Buffer.from("not a picture"), "chart.png"))).rejects.toThrow(/IMAGE_PROCESS_FAILED/);
      const strip = PNG.sync.write(new PNG({ width: 2100, height: 100 }));
      await expect(bot.api.sendPhoto(dave.id, new InputFile(strip, "strip.png"))).rejects.toThrow(/PHOTO_INVALID_DIMENSIONS/);
      await expect(bot.api.sendDocument(dave.id, new InputFile(Buffer.alloc(50 * 1024 * 1024 + 1, 65), "huge.csv"))).rejects.toThrow(
        /Request Entity Too Large/,
      );
      const csv = Buffer.from("ts,interest\r\n1,0.1\r\n");
      await bot.api.sendDocument(dave.id, new InputFile(csv, "interest.csv"));
      expect(Buffer.from(fake.lastBotMessage(dave.id)!.file!.content!).toString()).toBe(csv.toString());
    });
  }, 20_000);
});

describe("fake Telegram error answers", () => {
  it("answers a wrong token with 401 and an unknown method with 404", async () => {
    await withFake(async (fake) => {
      expect(await rawCall(fake, "getMe", {}, "1:wrong")).toEqual({
        status: 401,
        body: { ok: false, error_code: 401, description: "Unauthorized" },
      });
      expect(await rawCall(fake, "sendPoll")).toEqual({
        status: 404,
        body: { ok: false, error_code: 404, description: "Not Found: method not found" },
      });
      // Method names are case-insensitive.
      expect(await rawCall(fake, "GETME")).toMatchObject({ status: 200, body: { ok: true, result: { username: fake.botInfo.username } } });
    });
  });

  it("answers edits, sends and deletes Telegram refuses with its exact descriptions", async () => {
    await withFake(async (fake) => {
      const dave = fake.user(1004);
      fake.sendText(dave, "/start");
      const badRequest = (detail: string) => ({ status: 400, body: { ok: false, error_code: 400, description: `Bad Request: ${detail}` } });

      const sent = await rawCall(fake, "sendMessage", { chat_id: dave.id, text: "same" });
      expect(sent).toMatchObject({ status: 200, body: { ok: true, result: { message_id: 2, text: "same" } } });
      expect(await rawCall(fake, "editMessageText", { chat_id: dave.id, message_id: 2, text: "same" })).toEqual(
        badRequest(
          "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        ),
      );
      expect(await rawCall(fake, "editMessageText", { chat_id: dave.id, message_id: 99, text: "x" })).toEqual(
        badRequest("message to edit not found"),
      );
      expect(await rawCall(fake, "sendMessage", { chat_id: -555, text: "x" })).toEqual(badRequest("chat not found"));
      expect(await rawCall(fake, "sendMessage", { chat_id: dave.id, text: "" })).toEqual(badRequest("message text is empty"));
      expect(await rawCall(fake, "sendMessage", { chat_id: dave.id, text: "x".repeat(4097) })).toEqual(badRequest("message is too long"));
      expect(
        await rawCall(fake, "sendMessage", {
          chat_id: dave.id,
          text: "pick",
          reply_markup: { inline_keyboard: [[{ text: "Long", callback_data: "d".repeat(65) }]] },
        }),
      ).toEqual(badRequest("BUTTON_DATA_INVALID"));
      expect(await rawCall(fake, "sendMessage", { chat_id: dave.id, text: "<b>open", parse_mode: "HTML" })).toEqual(
        badRequest("can't parse entities: Can't find end tag corresponding to start tag \"b\""),
      );
      expect(await rawCall(fake, "sendMessage", { chat_id: dave.id, text: "a <blink>b</blink>", parse_mode: "HTML" })).toEqual(
        badRequest('can\'t parse entities: Unsupported start tag "blink" at byte offset 2'),
      );
      expect(await rawCall(fake, "deleteMessage", { chat_id: dave.id, message_id: 2 })).toEqual({ status: 200, body: { ok: true, result: true } });
      expect(fake.isDeleted(dave.id, 2)).toBe(true);
      expect(await rawCall(fake, "deleteMessage", { chat_id: dave.id, message_id: 2 })).toEqual(badRequest("message to delete not found"));
      expect(fake.botMessages(dave.id)).toMatchObject([{ message_id: 2, deleted: true }]);
    });
  });

  it("refuses a second answer to a callback query", async () => {
    await withFake(async (fake) => {
      const erin = fake.user(1005);
      fake.sendText(erin, "/start");
      await rawCall(fake, "sendMessage", {
        chat_id: erin.id,
        text: "menu",
        reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
      });
      const menu = fake.lastBotMessage(erin.id);
      if (menu === undefined) throw new Error("no menu");
      const queryId = fake.pressButton(erin, menu, "go");
      expect(await rawCall(fake, "answerCallbackQuery", { callback_query_id: queryId, text: "ok", show_alert: true })).toMatchObject({ status: 200 });
      expect(fake.callbackAnswer(queryId)).toMatchObject({ text: "ok", show_alert: true });
      expect(await rawCall(fake, "answerCallbackQuery", { callback_query_id: queryId })).toEqual({
        status: 400,
        body: { ok: false, error_code: 400, description: "Bad Request: query is too old and response timeout expired or query ID is invalid" },
      });
    });
  });

  it("answers 403 to a user who blocked the bot, and to one who never started it", async () => {
    await withFake(async (fake) => {
      const frank = fake.user(1006);
      expect(await rawCall(fake, "sendMessage", { chat_id: frank.id, text: "hi" })).toEqual({
        status: 403,
        body: { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" },
      });
      fake.sendText(frank, "/start");
      fake.blockBot(frank.id);
      expect(await rawCall(fake, "sendMessage", { chat_id: frank.id, text: "hi" })).toEqual({
        status: 403,
        body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
      });
      const updates = (await rawCall(fake, "getUpdates")).body as { result: Update[] };
      expect(updates.result.map((update) => update.my_chat_member?.new_chat_member.status ?? "message")).toEqual(["message", "kicked"]);
      fake.unblockBot(frank.id);
      expect(await rawCall(fake, "sendMessage", { chat_id: frank.id, text: "hi" })).toMatchObject({ status: 200 });
    });
  });

  it("answers 429 with retry_after over the rate limit, and counts what it let through", async () => {
    await withFake(
      async (fake) => {
        const gina = fake.user(1007);
        fake.sendText(gina, "/start");
        const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => rawCall(fake, "sendMessage", { chat_id: gina.id, text: `n${i}` })));
        expect(answers.filter((answer) => answer.status === 200)).toHaveLength(3);
        expect(answers.filter((answer) => answer.status === 429)[0]).toEqual({
          status: 429,
          body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
        });
        expect(fake.stats()).toEqual({ delivered: 3, rejected: 2, busiestSecond: 3 });
      },
      { messagesPerSecond: 3 },
    );
  });

  it("fails the next calls of a method as told", async () => {
    await withFake(async (fake) => {
      fake.failNext("getMe", 1, { code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7 });
      expect(await rawCall(fake, "getMe")).toEqual({
        status: 429,
        body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } },
      });
      expect(await rawCall(fake, "getMe")).toMatchObject({ status: 200 });
    });
  });

  it("delivers a message and then drops the connection, as told", async () => {
    await withFake(async (fake) => {
      const user = fake.user(42);
      fake.sendText(user, "/start");
      fake.dropAnswerNext("sendMessage", 1);
      await expect(rawCall(fake, "sendMessage", { chat_id: 42, text: "one" })).rejects.toThrow();
      expect(await rawCall(fake, "sendMessage", { chat_id: 42, text: "two" })).toMatchObject({ status: 200 });
      expect(fake.botMessages(42).map((message) => message.text)).toEqual(["one", "two"]);
    });
  });
});

describe("fake Telegram transport", () => {
  it("reads form-encoded and query-string parameters, decoding JSON fields", async () => {
    await withFake(async (fake) => {
      const hank = fake.user(1008);
      fake.sendText(hank, "/start");
      const markup = JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] });
      const form = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ chat_id: String(hank.id), text: "form", reply_markup: markup }).toString(),
      });
      expect(form.status).toBe(200);
      const query = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=${hank.id}&text=query`);
      expect(query.status).toBe(200);
      expect(fake.botMessages(hank.id)).toMatchObject([
        { text: "form", reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } },
        { text: "query" },
      ]);
      expect(fake.calls("sendMessage")[0]?.params).toMatchObject({ chat_id: hank.id, reply_markup: { inline_keyboard: [[{ text: "A" }]] } });
    });
  });

  it("holds a long poll until an update comes, and loses no update when the client aborts", async () => {
    await withFake(async (fake) => {
      const ivy = fake.user(1009);
      const url = `${fake.apiRoot}/bot${fake.token}/getUpdates`;

      const aborted = new AbortController();
      const lost = fetch(`${url}?timeout=5`, { signal: aborted.signal });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const leftPoll = fake.waitFor((call) => call.method === "getUpdates" && call.response === undefined, 1000);
      aborted.abort();
      await expect(lost).rejects.toThrow();
      await leftPoll;

      const started = Date.now();
      const polled = fetch(`${url}?timeout=5`).then(async (response) => (await response.json()) as { result: Update[] });
      setTimeout(() => fake.sendText(ivy, "hello"), 100);
      const first = await polled;
      expect(Date.now() - started).toBeLessThan(2000);
      expect(first.result.map((update) => update.message?.text)).toEqual(["hello"]);

      // Not confirmed yet: offered again; confirmed by a higher offset: gone.
      const firstId = first.result[0]?.update_id ?? 0;
      const again = (await rawCall(fake, "getUpdates", { offset: firstId })).body as { result: Update[] };
      expect(again.result.map((update) => update.update_id)).toEqual([firstId]);
      const confirmed = (await rawCall(fake, "getUpdates", { offset: firstId + 1 })).body as { result: Update[] };
      expect(confirmed.result).toEqual([]);
    });
  });

  it("ends a pending long poll on close", async () => {
    const fake = await startFakeTelegram();
    const polled = fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates?timeout=30`).then(async (response) => response.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await fake.close();
    expect(await polled).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("posts updates to the webhook with the secret token, retrying until it answers 2xx, and runs its reply", async () => {
    const received: { headers: IncomingHttpHeaders; update: Update }[] = [];
    let failuresLeft = 1;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const update = JSON.parse(Buffer.concat(chunks).toString()) as Update;
        received.push({ headers: req.headers, update });
        if (failuresLeft-- > 0) {
          res.writeHead(500).end();
        } else {
          // A webhook may answer with an API call, which Telegram then performs.
          const reply = { method: "sendMessage", chat_id: update.message?.chat.id, text: "from the webhook reply" };
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
        }
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await withFake(async (fake) => {
        const jack = fake.user(1010);
        expect(await rawCall(fake, "setWebhook", { url: hookUrl, secret_token: "s3cr3t_token" })).toMatchObject({ status: 200 });
        expect(await rawCall(fake, "getUpdates")).toEqual({
          status: 409,
          body: {
            ok: false,
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          },
        });

        fake.sendText(jack, "/start");
        expect(await fake.nextBotMessage(jack.id, 2000)).toMatchObject({ text: "from the webhook reply" });
        expect(received).toHaveLength(2);
        for (const delivery of received) {
          expect(delivery.headers["x-telegram-bot-api-secret-token"]).toBe("s3cr3t_token");
          expect(delivery.update.message?.text).toBe("/start");
        }
        const info = (await rawCall(fake, "getWebhookInfo")).body as { result: Record<string, unknown> };
        expect(info.result).toMatchObject({
          url: hookUrl,
          pending_update_count: 0,
          last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
        });

        await rawCall(fake, "deleteWebhook");
        expect(await rawCall(fake, "getUpdates")).toEqual({ status: 200, body: { ok: true, result: [] } });
      });
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  it("keeps commands per scope and language, and takes chat actions and the menu button", async () => {
    await withFake(async (fake) => {
      const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
      await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
      await bot.api.setMyCommands([{ command: "start", description: "Начать" }], { language_code: "ru" });
      await bot.api.setMyCommands([{ command: "admin", description: "Admin" }], { scope: { type: "chat", chat_id: 42 } });
      expect(await bot.api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);
      expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Начать" }]);
      expect(await bot.api.getMyCommands({ scope: { type: "chat", chat_id: 42 } })).toEqual([{ command: "admin", description: "Admin" }]);
      await bot.api.deleteMyCommands({ language_code: "ru" });
      expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([]);
      await expect(bot.api.setMyCommands([{ command: "Bad-Name", description: "x" }])).rejects.toThrow(/BOT_COMMAND_INVALID/);

      const kate = fake.user(1011);
      fake.sendText(kate, "/start");
      expect(await bot.api.sendChatAction(kate.id, "typing")).toBe(true);
      expect(await rawCall(fake, "sendChatAction", { chat_id: kate.id, action: "dancing" })).toMatchObject({
        status: 400,
        body: { description: "Bad Request: wrong parameter action in request" },
      });
      expect(await bot.api.setChatMenuButton({ chat_id: kate.id, menu_button: { type: "commands" } })).toBe(true);
      expect(fake.calls("setChatMenuButton")[0]?.params).toEqual({ chat_id: kate.id, menu_button: { type: "commands" } });
    });
  });

  it("rejects waitFor with the recent calls when nothing matches", async () => {
    await withFake(async (fake) => {
      await rawCall(fake, "getMe");
      await expect(fake.waitFor("sendMessage", 50)).rejects.toThrow(/no API call to sendMessage within 50 ms; the last calls were:\n {2}#0 getMe/);
    });
  });
});
