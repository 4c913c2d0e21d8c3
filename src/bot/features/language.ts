import { Composer, InlineKeyboard } from "grammy";
import type { PreferenceStore } from "../../store/preferences.js";
import { languageButton } from "../buttons.js";
import { onPress } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { LOCALES, type Locale } from "../i18n.js";

const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { en: "English", zh: "中文" };
const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** `/lang`: English or Chinese, remembered per user. `/lang zh` switches at once. */
export function languageFeature(preferences: Pick<PreferenceStore, "setLanguage">): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  async function choose(ctx: BotContext, locale: Locale): Promise<void> {
    await preferences.setLanguage(ctx.from!.id, locale);
    ctx.i18n.useLocale(locale);
  }

  feature.command("lang", async (ctx) => {
    const wanted = ctx.match.trim().toLowerCase();
    if (isLocale(wanted)) {
      await choose(ctx, wanted);
      return ctx.reply(ctx.t("lang-set"));
    }
    const keyboard = new InlineKeyboard();
    for (const locale of LOCALES) keyboard.text(LANGUAGE_NAMES[locale], languageButton.data(locale));
    return ctx.reply(ctx.t("lang-choose"), { reply_markup: keyboard });
  });

  // Each person's own setting: a /lang keyboard in a group sets the language of whoever presses it.
  onPress(
    feature,
    languageButton,
    async (ctx, locale) => {
      await choose(ctx, locale);
      await ctx.answerCallbackQuery();
      await ctx.editMessageText(ctx.t("lang-set"));
    },
    { anywhere: true },
  );
  return feature;
}
