import { GrammyError, InlineKeyboard, type Api } from "grammy";
import type { Logger } from "../log.js";
import type { PendingAnswer, PendingAnswers } from "../store/pending-answers.js";
import type { BotContext } from "./context.js";

type Translate = (locale: string, key: string) => string;

/** What a message whose answer was cut short says instead of "Loading…", with a button that asks again. */
function interrupted(t: Translate, answer: PendingAnswer) {
  return { text: t(answer.locale, "answer-interrupted"), keyboard: new InlineKeyboard().text(t(answer.locale, "button-ask-again"), answer.again) };
}

async function sayInterrupted(api: Api, t: Translate, answer: PendingAnswer): Promise<void> {
  const { text, keyboard } = interrupted(t, answer);
  try {
    await api.editMessageText(answer.chat, answer.message, text, { reply_markup: keyboard });
  } catch (error) {
    // Gone, or no longer the bot's to edit, or already saying so: nothing is left saying "Loading…".
    if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
  }
}

/** An answer in progress, registered while its message says "Loading…". */
export interface PendingTicket {
  /** The answer is in. */
  done(): Promise<void>;
  /** The answer failed: the message says it was interrupted and offers to ask again, and the entry ends. */
  failed(): Promise<void>;
}

const NOTHING: PendingTicket = { done: () => Promise.resolve(), failed: () => Promise.resolve() };

/**
 * Registers the answer that `message` is waiting for (`again`: the callback data that asks once more), so
 * that another replica can tell the person if this one dies before the answer is in.
 */
export async function pendingTicket(
  ctx: BotContext,
  pending: PendingAnswers | undefined,
  answer: { chat: number; message: number; again: string },
): Promise<PendingTicket> {
  if (pending === undefined) return NOTHING;
  const entry: PendingAnswer = { ...answer, user: ctx.from!.id, locale: await ctx.i18n.getLocale() };
  const token = await pending.register(entry);
  const done = () => pending.finish(entry.chat, entry.message, token);
  return {
    done,
    async failed() {
      try {
        await sayInterrupted(ctx.api, (_, key) => ctx.t(key), entry);
        await done();
      } catch {
        // Redis or Telegram is out of reach: the lease lapses and a replica's sweep sees to it.
      }
    },
  };
}

/** Runs `work` for a ticket: done when it returns, failed (and rethrown) when it throws. */
export async function withTicket<T>(ticket: PendingTicket, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await ticket.failed();
    throw error;
  }
  await ticket.done();
  return result;
}

export interface AnswerSweeper {
  /** Takes over the answers whose replica stopped renewing them, once. */
  sweep(): Promise<number>;
  /** Stops sweeping, and tells the people whose answers this replica still holds that they were interrupted. */
  stop(): Promise<void>;
}

/**
 * Every replica, at start and then every half lease, renews the leases of its own answers in progress and
 * takes over those whose replica was killed or crashed: their message, still saying "Loading…", then says
 * the answer was interrupted and offers a button that asks again.
 */
export function startAnswerSweeper(options: { pending: PendingAnswers; api: Api; translate: Translate; logger: Logger }): AnswerSweeper {
  const { pending, api, translate, logger } = options;
  const settle = async (taken: Awaited<ReturnType<PendingAnswers["takeOver"]>>) => {
    let told = 0;
    for (const answer of taken) {
      try {
        await sayInterrupted(api, translate, answer);
        await pending.finish(answer.chat, answer.message, answer.token);
        told++;
      } catch (error) {
        // Kept: its lease lapses again and the next sweep tries once more.
        logger.warn({ err: error, chat: answer.chat }, "an interrupted answer could not be told so");
      }
    }
    return told;
  };
  const sweep = async () => {
    const told = await settle(await pending.takeOver());
    if (told > 0) logger.info({ answers: told }, "answers interrupted elsewhere were told so");
    return told;
  };
  let running = Promise.resolve();
  const tick = () => {
    running = running
      .then(async () => {
        await pending.renew();
        await sweep();
      })
      .catch((error: unknown) => logger.warn({ err: error }, "answers in progress not swept"));
  };
  tick();
  const timer = setInterval(tick, pending.leaseMs / 2);
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
      // Summaries still keeping themselves up to date, and answers past the shutdown timeout.
      const told = await settle(await pending.takeOver({ mine: true }));
      if (told > 0) logger.info({ answers: told }, "answers cut short by the stop were told so");
    },
  };
}
