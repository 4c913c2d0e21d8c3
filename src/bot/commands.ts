import type { Api } from "grammy";
import type { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import { LOCALES } from "./i18n.js";

/** The bot's commands, as the menu lists them. */
export const COMMANDS = [
  "start",
  "help",
  "connect",
  "interest",
  "chart",
  "export",
  "filters",
  "digest",
  "accounts",
  "alerts",
  "status",
  "disconnect",
  "cancel",
  "lang",
] as const;

/** The menu button's list, in English (the default) and in Chinese for Chinese-language clients. */
export async function registerCommands<C extends Context>(api: Api, i18n: I18n<C>): Promise<void> {
  for (const locale of LOCALES) {
    const commands = COMMANDS.map((command) => ({ command, description: i18n.t(locale, `cmd-${command}`) }));
    await api.setMyCommands(commands, locale === "en" ? {} : { language_code: locale });
  }
}
