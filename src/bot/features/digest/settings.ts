import type { InlineKeyboard } from "grammy";
import type { DigestSettings } from "../../../domain/digest.js";
import { cutText } from "../../../domain/text.js";
import { guessTimeZone } from "../../../domain/time.js";
import type { DigestSchedule } from "../../../digest/schedule.js";
import type { InterestService } from "../../../services/interest.js";
import type { DigestAwaiting, PreferenceStore } from "../../../store/preferences.js";
import { currenciesOf } from "../../../domain/interest-record.js";
import type { BotContext } from "../../context.js";
import { escapeHtml } from "../../html.js";
import { digestSettingsKeyboard, renderDigestSettings } from "../../views/digest.js";

export interface DigestFeatureDependencies {
  preferences: Pick<PreferenceStore, "digest" | "setDigest" | "savedTimeZone" | "setTimeZone" | "digestAwaiting" | "setDigestAwaiting">;
  schedule: Pick<DigestSchedule, "apply" | "remove" | "next" | "sendNow">;
  interest: Pick<InterestService, "lines" | "accounts">;
  now?: () => number;
}

/** What each part of `/digest` does alike: read, show and save a person's settings. */
export function digestSettings(dependencies: DigestFeatureDependencies) {
  const { preferences, schedule } = dependencies;
  const now = dependencies.now ?? Date.now;

  /** The zone chosen, or the one guessed from the person's Telegram language. */
  const zoneOf = async (ctx: BotContext) => (await preferences.savedTimeZone(ctx.from!.id)) ?? guessTimeZone(ctx.from?.language_code);

  async function message(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
    const userId = ctx.from!.id;
    const settings = await preferences.digest(userId);
    const saved = await preferences.savedTimeZone(userId);
    const zone = saved ?? guessTimeZone(ctx.from?.language_code);
    const next = settings.on ? await schedule.next(userId) : undefined;
    const accounts = await dependencies.interest.accounts(userId);
    const context = {
      zone,
      locale: await ctx.i18n.getLocale(),
      zoneChosen: saved !== undefined,
      now: now(),
      ...(next === undefined ? {} : { next }),
    };
    return { text: renderDigestSettings(ctx.t, settings, context, accounts), keyboard: digestSettingsKeyboard(ctx.t, settings, accounts) };
  }

  /** Saves the settings (with the zone, so the schedule and the digest agree on it) and moves the schedule. */
  async function save(ctx: BotContext, settings: DigestSettings, zone?: string): Promise<void> {
    const userId = ctx.from!.id;
    const chosen = zone ?? (await zoneOf(ctx));
    await preferences.setTimeZone(userId, chosen);
    const locale = await ctx.i18n.getLocale();
    await preferences.setDigest(userId, { ...settings, locale });
    await schedule.apply(userId, { ...settings, locale }, chosen);
  }

  /** What a typed message is taken as from now on: a time (at the time step), a zone (at the zone step), or neither. */
  const awaiting = (ctx: BotContext, what: DigestAwaiting | undefined) => preferences.setDigestAwaiting(ctx.from!.id, what, now());

  return {
    now,
    zoneOf,
    message,
    save,
    awaiting,
    /** The person's settings as stored. */
    read: (ctx: BotContext) => preferences.digest(ctx.from!.id),
    /** What a typed message is awaited as, if anything. */
    awaited: (ctx: BotContext) => preferences.digestAwaiting(ctx.from!.id, now()),
    async setZone(ctx: BotContext, zone: string): Promise<void> {
      await save(ctx, await preferences.digest(ctx.from!.id), zone);
      await awaiting(ctx, undefined);
    },
    /** The person's accounts, for the account picker. */
    accounts: (ctx: BotContext) => dependencies.interest.accounts(ctx.from!.id),
    /** The currencies the picker offers: those the accounts borrowed (their lines in the cache). */
    knownCurrencies: async (ctx: BotContext) =>
      currenciesOf(await dependencies.interest.lines(ctx.from!.id))
        .sort()
        .slice(0, 40),
    async reply(ctx: BotContext): Promise<void> {
      const { text, keyboard } = await message(ctx);
      await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
    },
    zoneUnknown: (ctx: BotContext, typed: string) =>
      ctx.reply(ctx.t("digest-zone-unknown", { zone: escapeHtml(cutText(typed, 40)) }), { parse_mode: "HTML" }),
  };
}

export type DigestSettingsFlow = ReturnType<typeof digestSettings>;
