import tzLookup from "@photostructure/tz-lookup";
import { Composer } from "grammy";
import { parseClockTime } from "../../../domain/clock-time.js";
import { looksLikeSecret } from "../../../domain/key-format.js";
import { canonicalZone, looksLikeZoneName } from "../../../domain/time.js";
import type { BotContext } from "../../context.js";
import { hourKeyboard, zoneKeyboard } from "../../views/digest.js";
import type { DigestSettingsFlow } from "./settings.js";

/** The zone of a shared location, if it lies in one. */
function zoneAt(latitude: number, longitude: number): string | undefined {
  try {
    return canonicalZone(tzLookup(latitude, longitude));
  } catch {
    return undefined;
  }
}

/**
 * What a person types or shares for the digest: a shared location sets the zone; a typed zone name is
 * honoured whenever it names a zone, and a near miss is told so; at the time step a typed time is taken,
 * and at either step other text gets an example of what is expected.
 */
export function digestTyping(settings: DigestSettingsFlow): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");

  privateChats.on("message:location", async (ctx) => {
    const zone = zoneAt(ctx.message.location.latitude, ctx.message.location.longitude);
    if (zone === undefined) return ctx.reply(ctx.t("digest-location-unknown"), { reply_markup: { remove_keyboard: true } });
    await settings.setZone(ctx, zone);
    await ctx.reply(ctx.t("digest-zone-set", { zone }), { reply_markup: { remove_keyboard: true } });
    await settings.reply(ctx);
  });

  privateChats.on("message:text", async (ctx, next) => {
    const typed = ctx.message.text.trim();
    if (typed.startsWith("/") || looksLikeSecret(typed)) return next();
    if (looksLikeZoneName(typed)) {
      const zone = canonicalZone(typed);
      if (zone === undefined) return settings.zoneUnknown(ctx, typed);
      await settings.setZone(ctx, zone);
      await ctx.reply(ctx.t("digest-zone-set", { zone }));
      return settings.reply(ctx);
    }
    const waitingFor = await settings.awaited(ctx);
    if (waitingFor === "time") {
      const stored = await settings.read(ctx);
      const time = parseClockTime(typed);
      if (time === undefined) return ctx.reply(ctx.t("digest-time-expected"), { reply_markup: hourKeyboard(ctx.t, stored) });
      await settings.save(ctx, { ...stored, ...time });
      await settings.awaiting(ctx, undefined);
      return settings.reply(ctx);
    }
    if (waitingFor === "zone") return ctx.reply(ctx.t("digest-zone-expected"), { reply_markup: zoneKeyboard(ctx.t, await settings.zoneOf(ctx)) });
    return next();
  });
  return feature;
}
