import { Composer } from "grammy";
import { MAX_ALERT_RULES, parseQuietHours, parseRule, ruleId } from "../../../domain/alerts.js";
import { looksLikeSecret } from "../../../domain/key-format.js";
import type { BotContext } from "../../context.js";
import type { AlertSettingsFlow } from "./settings.js";

/**
 * What a person types after pressing a rule's button (its level, perhaps with a currency) or quiet hours
 * (a start and an end): taken when it reads as one, answered with an example when not, and the wait kept
 * so the next try counts. Other text passes on.
 */
export function alertTyping(flow: AlertSettingsFlow): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType("private").on("message:text", async (ctx, next) => {
    const typed = ctx.message.text.trim();
    if (typed.startsWith("/") || looksLikeSecret(typed)) return next();
    const awaiting = await flow.settings.awaiting(ctx.from.id);
    if (awaiting === undefined) return next();
    const stored = await flow.read(ctx);
    if (awaiting === "quiet") {
      const quiet = parseQuietHours(typed);
      if (quiet === undefined) return ctx.reply(ctx.t("alerts-expected-quiet"), { parse_mode: "HTML" });
      await flow.save(ctx, { ...stored, quiet });
    } else {
      const rule = parseRule(awaiting.kind, typed);
      if (rule === undefined) return ctx.reply(ctx.t(`alerts-expected-${awaiting.kind}`), { parse_mode: "HTML" });
      const added = { kind: awaiting.kind, ...rule, ...(rule.ccy === undefined && awaiting.ccy !== undefined ? { ccy: awaiting.ccy } : {}) };
      const others = stored.rules.filter((held) => ruleId(held) !== ruleId(added));
      if (others.length >= MAX_ALERT_RULES) return ctx.reply(ctx.t("alerts-too-many", { max: MAX_ALERT_RULES }));
      await flow.save(ctx, { ...stored, rules: [...others, added] });
    }
    await flow.settings.setAwaiting(ctx.from.id, undefined);
    await ctx.reply(ctx.t("alerts-saved"));
    return flow.reply(ctx);
  });
  return feature;
}
