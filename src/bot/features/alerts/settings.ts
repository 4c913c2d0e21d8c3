import type { InlineKeyboard } from "grammy";
import type { AlertSettings } from "../../../domain/alerts.js";
import type { AlertSettingsStore } from "../../../store/alert-settings.js";
import type { BotContext } from "../../context.js";
import { alertSettingsKeyboard, renderAlertSettings } from "../../views/alerts.js";

export interface AlertFeatureDependencies {
  settings: Pick<AlertSettingsStore, "get" | "set" | "snooze" | "awaiting" | "setAwaiting">;
  now?: () => number;
}

/** What every part of `/alerts` does alike: read and save the person's settings, show them. */
export interface AlertSettingsFlow extends AlertFeatureDependencies {
  read(ctx: BotContext): Promise<AlertSettings>;
  /** Saves the settings in the person's language of the moment (what alerts are worded in without /lang). */
  save(ctx: BotContext, settings: AlertSettings): Promise<void>;
  message(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }>;
  /** Sends the settings as a new message. */
  reply(ctx: BotContext): Promise<unknown>;
}

export function alertSettings(dependencies: AlertFeatureDependencies): AlertSettingsFlow {
  const { settings } = dependencies;
  const flow: AlertSettingsFlow = {
    ...dependencies,
    read: (ctx) => settings.get(ctx.from!.id),
    async save(ctx, changed) {
      await settings.set(ctx.from!.id, { ...changed, locale: await ctx.i18n.getLocale() });
    },
    async message(ctx) {
      const stored = await flow.read(ctx);
      return { text: renderAlertSettings(ctx.t, stored, await ctx.display()), keyboard: alertSettingsKeyboard(ctx.t, stored) };
    },
    async reply(ctx) {
      const { text, keyboard } = await flow.message(ctx);
      return ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
    },
  };
  return flow;
}
