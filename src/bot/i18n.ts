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
  const negotiate = async (ctx: C): Promise<Locale> => {
    // While Redis is unavailable, the Telegram language still lets the bot say so in words the user reads.
    const chosen = ctx.from === undefined ? undefined : await preferences.language(ctx.from.id).catch(() => undefined);
    return localeFor(chosen ?? ctx.from?.language_code);
  };
  // Once per update: `ctx.i18n.getLocale()` negotiates again, and a handler that shows times asks for it.
  const negotiated = new WeakMap<C, Promise<Locale>>();
  const i18n = new I18n<C>({
    defaultLocale: "en",
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => {
      let locale = negotiated.get(ctx);
      if (locale === undefined) negotiated.set(ctx, (locale = negotiate(ctx)));
      return locale;
    },
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}
