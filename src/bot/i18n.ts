import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { PreferenceStore } from "../store/preferences.js";

export const LOCALES = ["en", "zh"] as const;
export type Locale = (typeof LOCALES)[number];

/** `locales/` at the project root, from `src/bot/` and from `dist/bot/` alike. */
const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** A Telegram language code (`zh-hans`, `en-GB`, ...) to one of ours. */
export function localeFor(languageCode: string | undefined): Locale {
  return languageCode?.toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** English and Chinese; a user's choice from /lang wins over their Telegram language. */
export function createI18n<C extends Context>(preferences: PreferenceStore): I18n<C> {
  const i18n = new I18n<C>({
    defaultLocale: "en",
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) => {
      // While Redis is unavailable, the Telegram language still lets the bot say so in words the user reads.
      const chosen = ctx.from === undefined ? undefined : await preferences.language(ctx.from.id).catch(() => undefined);
      return localeFor(chosen ?? ctx.from?.language_code);
    },
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}
