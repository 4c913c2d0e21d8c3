import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.js";

/**
 * The updates this process is handling, polled or from the webhook alike: a stop waits for them before it
 * closes what they use (the OKX limiter, the queue, Redis). Installed first, so an update still waiting for
 * its chat's turn counts as well.
 */
export class UpdatesInFlight {
  private readonly running = new Set<Promise<unknown>>();
  private highest: number | undefined;

  middleware(): MiddlewareFn<BotContext> {
    return (ctx, next) => {
      const id = ctx.update.update_id;
      if (this.highest === undefined || id > this.highest) this.highest = id;
      const work = next();
      this.running.add(work);
      const done = () => void this.running.delete(work);
      work.then(done, done);
      return work;
    };
  }

  get size(): number {
    return this.running.size;
  }

  /** The highest `update_id` handed to the bot so far, if any. */
  get lastUpdateId(): number | undefined {
    return this.highest;
  }

  /** Resolves once no update is in flight (failed ones included). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
