import type { Composer } from "grammy";
import type { BotContext } from "./context.js";

/**
 * In a group, `commands` are answered with a link to the private chat (`start`: what `/start` there opens):
 * keys are taken, and a person's figures shown, only there.
 */
export function privateOnly(feature: Composer<BotContext>, commands: string[], start: string): void {
  feature.chatType(["group", "supergroup"]).command(commands, (ctx) =>
    ctx.reply(ctx.t("connect-private-only", { link: `https://t.me/${ctx.me.username}?start=${start}` }), {
      reply_parameters: { message_id: ctx.msg.message_id },
    }),
  );
}
