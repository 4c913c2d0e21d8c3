import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { SayFlavor } from "./webhook-answers.js";

/** The context inside conversations: translated, nothing else. */
export type ConversationContext = Context & I18nFlavor;
/** The context of the bot's own middleware. */
export type BotContext = ConversationFlavor<ConversationContext> & SayFlavor;
export type BotConversation = Conversation<BotContext, ConversationContext>;
