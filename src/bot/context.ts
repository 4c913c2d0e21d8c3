import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { TimeDisplay } from "../domain/time.js";
import type { Logger } from "../log.js";
import type { SayFlavor } from "./webhook-answers.js";

/** The context inside conversations: translated, nothing else. */
export type ConversationContext = Context & I18nFlavor;

/** What every handler needs, carried on the context so that no feature takes it as a dependency. */
export interface HandlerFlavor {
  logger: Logger;
  /** The person's time zone and language, which every time in an answer is shown in (read once per update). */
  display(): Promise<TimeDisplay>;
}

/** The context of the bot's own middleware. */
export type BotContext = ConversationFlavor<ConversationContext> & SayFlavor & HandlerFlavor;
export type BotConversation = Conversation<BotContext, ConversationContext>;
