import { Composer } from "grammy";
import { ruleId, watchId, type AlertRule, type AlertSettings } from "../../../domain/alerts.js";
import { alertButton } from "../../buttons.js";
import { onPress, type PressContext } from "../../callback-data.js";
import type { BotContext } from "../../context.js";
import { editText } from "../../edit.js";
import { privateOnly } from "../../private-only.js";
import { alertSettings, type AlertFeatureDependencies, type AlertSettingsFlow } from "./settings.js";
import { alertTyping } from "./typed.js";

export type { AlertFeatureDependencies } from "./settings.js";

const SNOOZE_MS = 24 * 3600_000;

const withoutRule = (settings: AlertSettings, press: Pick<AlertRule, "kind" | "ccy">) => ({
  ...settings,
  rules: settings.rules.filter((rule) => ruleId(rule) !== ruleId(press)),
});

/** The settings' buttons and the buttons under an alert (`alertButton`). */
function alertPresses(flow: AlertSettingsFlow): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const now = flow.now ?? Date.now;
  onPress(feature, alertButton, async (ctx: PressContext, press, { chatId, messageId }) => {
    const userId = ctx.from.id;
    const showSettings = async () => {
      const { text, keyboard } = await flow.message(ctx);
      await editText(ctx.api, chatId, messageId, text, keyboard);
    };
    await flow.settings.setAwaiting(
      userId,
      press.step === "set"
        ? { kind: press.kind, ...(press.ccy === undefined ? {} : { ccy: press.ccy }) }
        : press.step === "quiet"
          ? "quiet"
          : undefined,
    );
    const stored = await flow.read(ctx);
    switch (press.step) {
      case "menu":
        await ctx.answerCallbackQuery();
        return flow.reply(ctx);
      case "set":
        await ctx.answerCallbackQuery();
        return ctx.reply(ctx.t(`alerts-ask-${press.kind}`), { parse_mode: "HTML" });
      case "quiet":
        await ctx.answerCallbackQuery();
        return ctx.reply(ctx.t("alerts-ask-quiet", { zone: (await ctx.display()).zone }), { parse_mode: "HTML" });
      case "quiet-off": {
        const { quiet: _dropped, ...rest } = stored;
        await flow.save(ctx, rest);
        await ctx.answerCallbackQuery({ text: ctx.t("alerts-saved") });
        return showSettings();
      }
      case "remove":
        await flow.save(ctx, withoutRule(stored, press));
        await ctx.answerCallbackQuery({ text: ctx.t("alerts-removed") });
        return showSettings();
      case "off": {
        // Under an alert: the message stays as it was, the rule goes.
        if (!stored.rules.some((rule) => ruleId(rule) === ruleId(press))) return ctx.answerCallbackQuery({ text: ctx.t("alerts-gone") });
        await flow.save(ctx, withoutRule(stored, press));
        return ctx.answerCallbackQuery({ text: ctx.t("alerts-turned-off") });
      }
      case "snooze":
        await flow.settings.snooze(userId, press.uid, watchId(press, press.line), now() + SNOOZE_MS);
        return ctx.answerCallbackQuery({ text: ctx.t("alerts-snoozed") });
    }
  });
  return feature;
}

/**
 * `/alerts`: the rules (a yearly rate, a spike against the 7-day average, the next 24 h's cost; for one
 * currency or every one) and quiet hours, each set by a button and a typed answer; and the buttons under
 * each alert (snooze 24 h, turn off). Off until a rule is set.
 */
export function alertsFeature(dependencies: AlertFeatureDependencies): Composer<BotContext> {
  const flow = alertSettings(dependencies);
  const command = new Composer<BotContext>();
  command.chatType("private").command("alerts", async (ctx) => {
    await flow.settings.setAwaiting(ctx.from.id, undefined);
    await flow.reply(ctx);
  });
  privateOnly(command, ["alerts"], "alerts");
  return new Composer<BotContext>(command, alertTyping(flow), alertPresses(flow));
}
