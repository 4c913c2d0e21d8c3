import tzLookup from "@photostructure/tz-lookup";
import { Composer, Keyboard, type InlineKeyboard } from "grammy";
import { parseClockTime, type ClockTime } from "../../domain/clock-time.js";
import type { DigestSettings } from "../../domain/digest.js";
import { looksLikeSecret } from "../../domain/key-format.js";
import { cutText } from "../../domain/text.js";
import { canonicalZone, COMMON_ZONES, guessTimeZone, looksLikeZoneName } from "../../domain/time.js";
import type { DigestSchedule } from "../../digest/schedule.js";
import type { InterestService } from "../../services/interest.js";
import { MAX_DIGEST_CURRENCIES, type DigestAwaiting, type PreferenceStore } from "../../store/preferences.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { unlessUnchanged } from "../unchanged.js";
import {
  currencyKeyboard,
  digestSettingsKeyboard,
  hourKeyboard,
  MINUTE_CHOICES,
  minuteKeyboard,
  renderDigestSettings,
  zoneKeyboard,
} from "../views/digest.js";

export interface DigestFeatureDependencies {
  preferences: PreferenceStore;
  schedule: Pick<DigestSchedule, "apply" | "remove" | "next" | "sendNow">;
  interest: Pick<InterestService, "lines">;
  now?: () => number;
}

const CALLBACK = /^dg:(menu|show|on|off|stop|now|time|zone|loc|ccy|h:\d{1,2}|m:\d{1,2}:\d{1,2}|z:\d{1,2}|c:(?:\*|[A-Z0-9]{1,12}))$/;

/** What `/digest` was given: a time, a zone, both, or text that is neither (`invalid`), or a zone that does not exist. */
type DigestArguments = { time?: ClockTime; zone?: string } | { invalid: true } | { unknownZone: string };

/** `/digest 18:02`, `/digest Europe/Paris`, `/digest 8:30 pm Asia/Shanghai`: one zone name, and a time in what is left. */
function digestArguments(typed: string): DigestArguments {
  const words = typed.split(/\s+/);
  const zones = words.filter((word) => looksLikeZoneName(word));
  const rest = words.filter((word) => !looksLikeZoneName(word)).join(" ");
  if (zones.length > 1) return { invalid: true };
  const zone = zones[0] === undefined ? undefined : canonicalZone(zones[0]);
  if (zones[0] !== undefined && zone === undefined) return { unknownZone: zones[0] };
  const time = rest === "" ? undefined : parseClockTime(rest);
  if (rest !== "" && time === undefined) return { invalid: true };
  return { ...(time === undefined ? {} : { time }), ...(zone === undefined ? {} : { zone }) };
}

/** Edits the pressed message in place; a press that changes nothing is fine. */
function edit(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  return unlessUnchanged(ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard }));
}

/**
 * `/digest`: the daily digest's settings with buttons (on/off, hour and minute, time zone, currencies,
 * send now). A time can also be typed at the time step (`18:02`, `8.30`, `21h`) or given to the command
 * (`/digest 18:02`), a zone typed (`Europe/Paris`, or `/digest Europe/Paris`) or taken from a shared
 * location. Every change is saved and the user's schedule moved to match.
 */
export function digestFeature(dependencies: DigestFeatureDependencies): Composer<BotContext> {
  const { preferences, schedule } = dependencies;
  const now = dependencies.now ?? Date.now;
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");

  async function settingsMessage(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
    const userId = ctx.from!.id;
    const settings = await preferences.digest(userId);
    const saved = await preferences.savedTimeZone(userId);
    const zone = saved ?? guessTimeZone(ctx.from?.language_code);
    const next = settings.on ? await schedule.next(userId) : undefined;
    const context = {
      zone,
      locale: await ctx.i18n.getLocale(),
      zoneChosen: saved !== undefined,
      now: now(),
      ...(next === undefined ? {} : { next }),
    };
    const text = renderDigestSettings(ctx.t, settings, context);
    return { text, keyboard: digestSettingsKeyboard(ctx.t, settings) };
  }

  /** Saves the settings (with the zone, so the schedule and the digest agree on it) and moves the schedule. */
  async function save(ctx: BotContext, settings: DigestSettings, zone?: string): Promise<void> {
    const userId = ctx.from!.id;
    const chosen = zone ?? (await preferences.savedTimeZone(userId)) ?? guessTimeZone(ctx.from?.language_code);
    await preferences.setTimeZone(userId, chosen);
    const locale = await ctx.i18n.getLocale();
    await preferences.setDigest(userId, { ...settings, locale });
    await schedule.apply(userId, { ...settings, locale }, chosen);
  }

  /** The currencies the picker offers: those the account borrowed (its lines in the cache). */
  const knownCurrencies = async (userId: number) =>
    [...new Set((await dependencies.interest.lines(userId)).map((line) => line.ccy))].sort().slice(0, 40);

  /** What a typed message is taken as from now on: a time (at the time step), a zone (at the zone step), or neither. */
  const awaiting = (ctx: BotContext, what: DigestAwaiting | undefined) => preferences.setDigestAwaiting(ctx.from!.id, what, now());

  async function setZone(ctx: BotContext, zone: string): Promise<void> {
    await save(ctx, await preferences.digest(ctx.from!.id), zone);
    await awaiting(ctx, undefined);
  }

  const zoneUnknown = (ctx: BotContext, typed: string) =>
    ctx.reply(ctx.t("digest-zone-unknown", { zone: escapeHtml(cutText(typed, 40)) }), { parse_mode: "HTML" });

  async function replySettings(ctx: BotContext): Promise<void> {
    const { text, keyboard } = await settingsMessage(ctx);
    await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  }

  privateChats.command("digest", async (ctx) => {
    const typed = ctx.match.trim();
    if (typed !== "") {
      const given = digestArguments(typed);
      if ("invalid" in given) return ctx.reply(ctx.t("digest-arguments-expected"));
      if ("unknownZone" in given) return zoneUnknown(ctx, given.unknownZone);
      const settings = await preferences.digest(ctx.from.id);
      await save(ctx, given.time === undefined ? settings : { ...settings, ...given.time }, given.zone);
    }
    await awaiting(ctx, undefined);
    await replySettings(ctx);
  });

  feature
    .chatType(["group", "supergroup"])
    .command("digest", (ctx) => ctx.reply(ctx.t("connect-private-only", { link: `https://t.me/${ctx.me.username}?start=digest` })));

  privateChats.on("message:location", async (ctx) => {
    const { latitude, longitude } = ctx.message.location;
    let zone: string | undefined;
    try {
      zone = canonicalZone(tzLookup(latitude, longitude));
    } catch {
      zone = undefined;
    }
    if (zone === undefined) return ctx.reply(ctx.t("digest-location-unknown"), { reply_markup: { remove_keyboard: true } });
    await setZone(ctx, zone);
    await ctx.reply(ctx.t("digest-zone-set", { zone }), { reply_markup: { remove_keyboard: true } });
    const { text, keyboard } = await settingsMessage(ctx);
    await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  });

  // A typed zone name is honoured whenever it names a zone, and a near miss is told so. At the time step a
  // typed time is taken; at either step, other text gets an example of what is expected.
  privateChats.on("message:text", async (ctx, next) => {
    const typed = ctx.message.text.trim();
    if (typed.startsWith("/") || looksLikeSecret(typed)) return next();
    if (looksLikeZoneName(typed)) {
      const zone = canonicalZone(typed);
      if (zone === undefined) return zoneUnknown(ctx, typed);
      await setZone(ctx, zone);
      await ctx.reply(ctx.t("digest-zone-set", { zone }));
      return replySettings(ctx);
    }
    const waitingFor = await preferences.digestAwaiting(ctx.from.id, now());
    if (waitingFor === "time") {
      const settings = await preferences.digest(ctx.from.id);
      const time = parseClockTime(typed);
      if (time === undefined) return ctx.reply(ctx.t("digest-time-expected"), { reply_markup: hourKeyboard(ctx.t, settings) });
      await save(ctx, { ...settings, ...time });
      await awaiting(ctx, undefined);
      return replySettings(ctx);
    }
    if (waitingFor === "zone") {
      const zone = (await preferences.savedTimeZone(ctx.from.id)) ?? guessTimeZone(ctx.from.language_code);
      return ctx.reply(ctx.t("digest-zone-expected"), { reply_markup: zoneKeyboard(ctx.t, zone) });
    }
    return next();
  });

  // Someone who blocks the bot gets no more digests.
  feature.on("my_chat_member", async (ctx, next) => {
    if (ctx.chat.type !== "private" || ctx.myChatMember.new_chat_member.status !== "kicked") return next();
    const settings = await preferences.digest(ctx.chat.id);
    if (!settings.on) return;
    await preferences.setDigest(ctx.chat.id, { ...settings, on: false });
    await schedule.remove(ctx.chat.id);
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const match = CALLBACK.exec(ctx.callbackQuery.data);
    if (match === null) return next();
    const message = ctx.callbackQuery.message;
    if (message === undefined || message.chat.type !== "private" || message.chat.id !== ctx.from.id) {
      return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
    }
    const [action = "", first, second] = match[1]!.split(":");
    const userId = ctx.from.id;
    const settings = await preferences.digest(userId);
    // Buttons other than the time and zone steps' end any wait for a typed time or zone.
    await awaiting(ctx, action === "time" || action === "h" ? "time" : action === "zone" || action === "loc" ? "zone" : undefined);
    const showSettings = async () => {
      const { text, keyboard } = await settingsMessage(ctx);
      await edit(ctx, text, keyboard);
    };

    switch (action) {
      case "menu":
        await ctx.answerCallbackQuery();
        return replySettings(ctx);
      case "show":
        await ctx.answerCallbackQuery();
        return showSettings();
      case "on":
      case "off":
      case "stop":
        await save(ctx, { ...settings, on: action === "on" });
        await ctx.answerCallbackQuery({ text: ctx.t(action === "on" ? "digest-turned-on" : "digest-turned-off") });
        return action === "stop" ? replySettings(ctx) : showSettings();
      case "now":
        await schedule.sendNow(userId, now());
        return ctx.answerCallbackQuery({ text: ctx.t("digest-on-its-way") });
      case "time":
        await ctx.answerCallbackQuery();
        return edit(ctx, ctx.t("digest-choose-hour"), hourKeyboard(ctx.t, settings));
      case "h": {
        const hour = Number(first);
        if (hour > 23) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
        await ctx.answerCallbackQuery();
        return edit(ctx, ctx.t("digest-choose-minute"), minuteKeyboard(ctx.t, hour));
      }
      case "m": {
        const hour = Number(first);
        const minute = Number(second);
        if (hour > 23 || !(MINUTE_CHOICES as readonly number[]).includes(minute)) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
        await save(ctx, { ...settings, hour, minute });
        await ctx.answerCallbackQuery();
        return showSettings();
      }
      case "zone": {
        await ctx.answerCallbackQuery();
        const zone = (await preferences.savedTimeZone(userId)) ?? guessTimeZone(ctx.from.language_code);
        return edit(ctx, ctx.t("digest-choose-zone"), zoneKeyboard(ctx.t, zone));
      }
      case "z": {
        const zone = COMMON_ZONES[Number(first)];
        if (zone === undefined) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
        await setZone(ctx, zone);
        await ctx.answerCallbackQuery();
        return showSettings();
      }
      case "loc":
        await ctx.answerCallbackQuery();
        return ctx.reply(ctx.t("digest-share-location"), {
          reply_markup: new Keyboard().requestLocation(ctx.t("digest-button-send-location")).resized().oneTime(),
        });
      case "ccy": {
        await ctx.answerCallbackQuery();
        return edit(ctx, ctx.t("digest-choose-currencies"), currencyKeyboard(ctx.t, settings, await knownCurrencies(userId)));
      }
      case "c": {
        // Only the currencies the picker offers (the account's own), a bounded number of them: callback data is the client's to forge.
        const known = await knownCurrencies(userId);
        const kept = settings.currencies.filter((ccy) => known.includes(ccy) && ccy !== first);
        let currencies: string[];
        if (first === "*") currencies = [];
        else if (settings.currencies.includes(first!)) currencies = kept;
        else if (!known.includes(first!)) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
        else if (kept.length >= MAX_DIGEST_CURRENCIES)
          return ctx.answerCallbackQuery({ text: ctx.t("digest-currencies-full", { max: MAX_DIGEST_CURRENCIES }) });
        else currencies = [...kept, first!].sort();
        await save(ctx, { ...settings, currencies });
        await ctx.answerCallbackQuery();
        return edit(ctx, ctx.t("digest-choose-currencies"), currencyKeyboard(ctx.t, { ...settings, currencies }, known));
      }
    }
    return next();
  });
  return feature;
}
