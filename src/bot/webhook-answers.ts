import type { Context, MiddlewareFn, Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { WebhookAnswer } from "../server/webhook.js";

/** `ctx.say`: a reply the handler needs nothing back from. */
export interface SayFlavor {
  /**
   * Replies in this chat with a message nothing else refers to later. In webhook mode it rides in the
   * webhook's HTTP answer while that is open (Telegram performs it; the bot saves a request of its own), so no
   * message comes back and a failure goes unseen: only for an update's last word, whose text is fixed.
   */
  say(text: string, other?: Parameters<Context["reply"]>[1]): Promise<void>;
}

/**
 * Joins the webhook's open answers to the calls that may use them. The webhook registers each update's answer;
 * `ctx.say` marks its call with it; the transformer, innermost of all (so after the throttle and the retries),
 * puts a marked call into its answer while that is still open and lets every other call through.
 */
export class WebhookAnswers {
  private readonly byUpdate = new WeakMap<Update, WebhookAnswer>();
  private readonly byCall = new WeakMap<object, WebhookAnswer>();

  register(update: Update, answer: WebhookAnswer): void {
    this.byUpdate.set(update, answer);
  }

  readonly transformer: Transformer = (prev, method, payload, signal) => {
    const answer = this.byCall.get(payload);
    if (answer?.offer({ method, ...payload })) return Promise.resolve({ ok: true, result: true as never });
    return prev(method, payload, signal);
  };

  /** Installs `ctx.say`; without a registered answer (long polling) it is an ordinary `sendMessage`. */
  middleware<C extends Context & SayFlavor>(): MiddlewareFn<C> {
    return (ctx, next) => {
      ctx.say = async (text, other) => {
        const payload = { chat_id: ctx.chat!.id, text, ...other };
        const answer = this.byUpdate.get(ctx.update);
        if (answer !== undefined) this.byCall.set(payload, answer);
        await ctx.api.raw.sendMessage(payload);
      };
      return next();
    };
  }
}
