import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { CONNECT } from "./connect.js";

/** `/start` and `/help`: what the bot does and how to begin. */
export function startFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("start", (ctx) => ctx.say(ctx.t("start-welcome"), { parse_mode: "HTML" }));
  feature.command("help", (ctx) => ctx.say(ctx.t("help"), { parse_mode: "HTML" }));
  return feature;
}

/**
 * `/cancel` leaves any running conversation. Installed before the conversations, so none can swallow it. At a
 * secret step of /connect any text is the answer (a passphrase may begin with "/cancel"), so there only
 * `/cancel` alone leaves: anything after it passes on to /connect, whose other steps take it as a cancel too.
 */
export function cancelFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("cancel", async (ctx, next) => {
    if (ctx.match !== "" && ctx.conversation.active(CONNECT) > 0) return next();
    const running = Object.keys(ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    await ctx.say(ctx.t(running ? "cancel-done" : "cancel-nothing"));
  });
  return feature;
}
