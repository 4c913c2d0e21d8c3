import { Bot, InlineKeyboard } from "grammy";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { BotContext } from "../../src/bot/context.js";
import { errorBoundary } from "../../src/bot/errors.js";
import { chatWith } from "../support/chat.js";
import { startFakeTelegram, type FakeTelegram } from "../support/fake-telegram/index.js";

let telegram: FakeTelegram | undefined;
let bot: Bot<BotContext> | undefined;

afterEach(async () => {
  await bot?.stop();
  await telegram?.close();
});

/** A bot with only the error boundary and one button whose handler fails, before or after answering the press. */
async function failingButton(answerFirst: boolean) {
  telegram = await startFakeTelegram();
  bot = new Bot<BotContext>(telegram.token, { client: { apiRoot: telegram.apiRoot }, botInfo: telegram.botInfo });
  bot.use(errorBoundary(pino({ level: "silent" }), (_locale, key) => `(${key})`));
  bot.command("start", (ctx) => ctx.reply("View", { reply_markup: new InlineKeyboard().text("Records", "go") }));
  bot.callbackQuery("go", async (ctx) => {
    if (answerFirst) await ctx.answerCallbackQuery();
    throw new Error("the view could not be made");
  });
  void bot.start({ drop_pending_updates: false });
  return chatWith(telegram, telegram.user(41, { first_name: "Ann" }));
}

describe("the error boundary", () => {
  it("tells the person in the chat when a press fails after it was answered", async () => {
    const chat = await failingButton(true);
    chat.send("/start");
    chat.press(await chat.expect(/View/), /Records/);
    await chat.expect(/\(error-internal\)/);
  });

  it("explains a press that fails before it was answered in an alert, not in the chat", async () => {
    const chat = await failingButton(false);
    chat.send("/start");
    const id = chat.press(await chat.expect(/View/), /Records/);
    await expect.poll(() => telegram!.callbackAnswer(id)?.text).toBe("(error-internal)");
    expect(telegram!.callbackAnswer(id)?.show_alert).toBe(true);
    expect(chat.transcript()).toEqual(["View"]);
  });
});
