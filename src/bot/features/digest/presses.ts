import { Composer, Keyboard, type InlineKeyboard } from "grammy";
import type { DigestSettings } from "../../../domain/digest.js";
import { MAX_DIGEST_CURRENCIES } from "../../../store/preferences.js";
import { digestButton, type DigestPress } from "../../buttons.js";
import { onPress, type PressContext, type PressedMessage } from "../../callback-data.js";
import type { BotContext } from "../../context.js";
import { editText } from "../../edit.js";
import { accountKeyboard, currencyKeyboard, hourKeyboard, minuteKeyboard, zoneKeyboard } from "../../views/digest.js";
import type { DigestSchedule } from "../../../digest/schedule.js";
import type { DigestSettingsFlow } from "./settings.js";

type Step = DigestPress["step"];
type Press<S extends Step> = DigestPress & { step: S };

/** One press: its context, what it carries, the person's settings, and how to edit the pressed message. */
interface Pressed<S extends Step> {
  ctx: PressContext;
  press: Press<S>;
  stored: DigestSettings;
  edit: (text: string, keyboard: InlineKeyboard) => Promise<void>;
  /** The pressed message shows the settings again. */
  showSettings: () => Promise<void>;
}

/** The digest's settings buttons (`digestButton`): one handler per step. */
export function digestPresses(settings: DigestSettingsFlow, schedule: Pick<DigestSchedule, "sendNow">): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  const turn = async ({ ctx, press, stored, showSettings }: Pressed<"on" | "off" | "stop">) => {
    await settings.save(ctx, { ...stored, on: press.step === "on" });
    await ctx.answerCallbackQuery({ text: ctx.t(press.step === "on" ? "digest-turned-on" : "digest-turned-off") });
    return press.step === "stop" ? settings.reply(ctx) : showSettings();
  };

  const steps: { [S in Step]: (pressed: Pressed<S>) => Promise<unknown> } = {
    menu: async ({ ctx }) => {
      await ctx.answerCallbackQuery();
      await settings.reply(ctx);
    },
    show: async ({ ctx, showSettings }) => {
      await ctx.answerCallbackQuery();
      await showSettings();
    },
    on: turn,
    off: turn,
    stop: turn,
    now: async ({ ctx }) => {
      await schedule.sendNow(ctx.from.id, settings.now());
      await ctx.answerCallbackQuery({ text: ctx.t("digest-on-its-way") });
    },
    time: async ({ ctx, stored, edit }) => {
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-hour"), hourKeyboard(ctx.t, stored));
    },
    hour: async ({ ctx, press, edit }) => {
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-minute"), minuteKeyboard(ctx.t, press.hour));
    },
    minute: async ({ ctx, press, stored, showSettings }) => {
      await settings.save(ctx, { ...stored, hour: press.hour, minute: press.minute });
      await ctx.answerCallbackQuery();
      await showSettings();
    },
    zone: async ({ ctx, edit }) => {
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-zone"), zoneKeyboard(ctx.t, await settings.zoneOf(ctx)));
    },
    "common-zone": async ({ ctx, press, showSettings }) => {
      await settings.setZone(ctx, press.zone);
      await ctx.answerCallbackQuery();
      await showSettings();
    },
    loc: async ({ ctx }) => {
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t("digest-share-location"), {
        reply_markup: new Keyboard().requestLocation(ctx.t("digest-button-send-location")).resized().oneTime(),
      });
    },
    ccy: async ({ ctx, stored, edit }) => {
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-currencies"), currencyKeyboard(ctx.t, stored, await settings.knownCurrencies(ctx)));
    },
    currency: async ({ ctx, press: { ccy }, stored, edit }) => {
      // Only the currencies the picker offers (the account's own), a bounded number of them: callback data is the client's to forge.
      const known = await settings.knownCurrencies(ctx);
      const kept = stored.currencies.filter((held) => known.includes(held) && held !== ccy);
      let currencies: string[];
      if (ccy === "*") currencies = [];
      else if (stored.currencies.includes(ccy)) currencies = kept;
      else if (!known.includes(ccy)) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
      else if (kept.length >= MAX_DIGEST_CURRENCIES)
        return ctx.answerCallbackQuery({ text: ctx.t("digest-currencies-full", { max: MAX_DIGEST_CURRENCIES }) });
      else currencies = [...kept, ccy].sort();
      await settings.save(ctx, { ...stored, currencies });
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-currencies"), currencyKeyboard(ctx.t, { ...stored, currencies }, known));
    },
    acct: async ({ ctx, stored, edit }) => {
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-accounts"), accountKeyboard(ctx.t, stored, await settings.accounts(ctx)));
    },
    account: async ({ ctx, press: { uid }, stored, edit }) => {
      // Only the person's own accounts: callback data is the client's to forge.
      const held = await settings.accounts(ctx);
      const kept = stored.accounts.filter((chosen) => chosen !== uid && held.some((account) => account.uid === chosen));
      let accounts: string[];
      if (uid === "*") accounts = [];
      else if (stored.accounts.includes(uid)) accounts = kept;
      else if (!held.some((account) => account.uid === uid)) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
      else accounts = [...kept, uid];
      await settings.save(ctx, { ...stored, accounts });
      await ctx.answerCallbackQuery();
      await edit(ctx.t("digest-choose-accounts"), accountKeyboard(ctx.t, { ...stored, accounts }, held));
    },
  };

  /** What a typed message is taken as after a press: the time and zone steps wait for one; any other press ends a wait. */
  const awaitedAfter = (step: Step) => (step === "time" || step === "hour" ? "time" : step === "zone" || step === "loc" ? "zone" : undefined);

  onPress(feature, digestButton, async (ctx, press, { chatId, messageId }: PressedMessage) => {
    const stored = await settings.read(ctx);
    await settings.awaiting(ctx, awaitedAfter(press.step));
    const edit = (text: string, keyboard: InlineKeyboard) => editText(ctx.api, chatId, messageId, text, keyboard);
    const showSettings = async () => {
      const { text, keyboard } = await settings.message(ctx);
      await edit(text, keyboard);
    };
    const handler = steps[press.step] as (pressed: Pressed<Step>) => Promise<unknown>;
    await handler({ ctx, press, stored, edit, showSettings });
  });
  return feature;
}
