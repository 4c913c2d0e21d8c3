import { Composer } from "grammy";
import { digestArguments } from "../../../domain/digest-arguments.js";
import type { BotContext } from "../../context.js";
import { privateOnly } from "../../private-only.js";
import type { DigestSettingsFlow } from "./settings.js";

/** `/digest` shows the settings; `/digest 18:02`, `/digest Europe/Paris` or both change them first. */
export function digestCommand(settings: DigestSettingsFlow): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType("private").command("digest", async (ctx) => {
    const typed = ctx.match.trim();
    if (typed !== "") {
      const given = digestArguments(typed);
      if ("invalid" in given) return ctx.reply(ctx.t("digest-arguments-expected"));
      if ("unknownZone" in given) return settings.zoneUnknown(ctx, given.unknownZone);
      const stored = await settings.read(ctx);
      await settings.save(ctx, given.time === undefined ? stored : { ...stored, ...given.time }, given.zone);
    }
    await settings.awaiting(ctx, undefined);
    await settings.reply(ctx);
  });
  privateOnly(feature, ["digest"], "digest");
  return feature;
}
