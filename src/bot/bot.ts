import { Bot } from "grammy";
import type { Logger } from "../log.js";
import type { OkxClient } from "../okx/client.js";

export interface BotDependencies {
  token: string;
  apiRoot: string;
  okx: OkxClient;
  logger: Logger;
}

const WELCOME = [
  "Hi! I show what your OKX margin loans cost you in interest.",
  "",
  "Connecting an OKX key comes next; for now I can only say hello.",
].join("\n");

export function createBot(dependencies: BotDependencies): Bot {
  const bot = new Bot(dependencies.token, { client: { apiRoot: dependencies.apiRoot } });
  bot.command(["start", "help"], (ctx) => ctx.reply(WELCOME));
  bot.catch((error) => dependencies.logger.error({ err: error.error, update: error.ctx.update.update_id }, "update failed"));
  return bot;
}
