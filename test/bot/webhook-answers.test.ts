import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, type Transformer } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookAnswers, type SayFlavor } from "../../src/bot/webhook-answers.js";
import { createWebhook } from "../../src/server/webhook.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";
import type { Context } from "grammy";

type SayContext = Context & SayFlavor;
const SECRET = "answers-test";
let telegram: FakeTelegram | undefined;
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await telegram?.close();
});

/**
 * A grammY bot behind the project's webhook, as `main` wires them (the answers' transformer innermost, then
 * `outer`), with the fake Bot API delivering to it and performing what its answers carry.
 */
async function webhookBot(setup: (bot: Bot<SayContext>) => void, options: { replyWaitMs: number; outer?: Transformer }) {
  telegram = await startFakeTelegram();
  const answers = new WebhookAnswers();
  const bot = new Bot<SayContext>(telegram.token, { client: { apiRoot: telegram.apiRoot }, botInfo: telegram.botInfo });
  bot.api.config.use(answers.transformer, ...(options.outer === undefined ? [] : [options.outer]));
  bot.use(answers.middleware());
  setup(bot);
  const webhook = createWebhook({
    path: "/hook",
    secretToken: SECRET,
    replyWaitMs: options.replyWaitMs,
    handle: (update, answer) => {
      answers.register(update, answer);
      return bot.handleUpdate(update);
    },
    onError: (error) => {
      throw error;
    },
  });
  server = createServer((req, res) => void webhook.route(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  await bot.api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, { secret_token: SECRET });
  return { telegram, user: telegram.user(31, { first_name: "Ann" }) };
}

describe("ctx.say in webhook mode", () => {
  it("rides in the webhook's answer, while a reply whose message is needed is an ordinary call", async () => {
    const { telegram, user } = await webhookBot(
      (bot) => {
        bot.command("help", (ctx) => ctx.say("<b>What I do</b>", { parse_mode: "HTML" }));
        bot.command("work", async (ctx) => {
          const loading = await ctx.reply("Loading…");
          await ctx.api.editMessageText(ctx.chat.id, loading.message_id, "Done");
        });
      },
      { replyWaitMs: 2_000 },
    );

    telegram.sendText(user, "/help");
    const help = await telegram.nextBotMessage(user.id);
    expect(help.text).toBe("What I do");
    expect(help.entities).toEqual([{ type: "bold", offset: 0, length: 9 }]);
    expect(telegram.calls("sendMessage").at(-1)!.fromWebhookAnswer).toBe(true);

    telegram.sendText(user, "/work");
    await telegram.waitFor("editMessageText");
    expect(telegram.lastBotMessage(user.id)!.text).toBe("Done");
    expect(telegram.calls("sendMessage").at(-1)!.fromWebhookAnswer).toBeUndefined();
  });

  it("is an ordinary call when the throttle holds it past the answer's wait", async () => {
    // Stands for a throttle with a queue: the call reaches the answers' transformer only after 300 ms.
    const slowThrottle: Transformer = async (prev, method, payload, signal) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return prev(method, payload, signal);
    };
    const { telegram, user } = await webhookBot((bot) => bot.command("help", (ctx) => ctx.say("What I do")), {
      replyWaitMs: 50,
      outer: slowThrottle,
    });

    telegram.sendText(user, "/help");
    expect((await telegram.nextBotMessage(user.id)).text).toBe("What I do");
    const sent = telegram.calls("sendMessage");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.fromWebhookAnswer).toBeUndefined();
  });
});
