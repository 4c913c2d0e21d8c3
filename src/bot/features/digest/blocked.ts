import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import type { DigestFeatureDependencies } from "./settings.js";

/** Someone who blocks the bot gets no more digests. */
export function blockedFeature({ preferences, schedule }: Pick<DigestFeatureDependencies, "preferences" | "schedule">): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("my_chat_member", async (ctx, next) => {
    if (ctx.chat.type !== "private" || ctx.myChatMember.new_chat_member.status !== "kicked") return next();
    const settings = await preferences.digest(ctx.chat.id);
    if (!settings.on) return;
    await preferences.setDigest(ctx.chat.id, { ...settings, on: false });
    await schedule.remove(ctx.chat.id);
  });
  return feature;
}
