import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";

/** The context inside conversations: translated, nothing else. */
export type ConversationContext = Context & I18nFlavor;
/** The context of the bot's own middleware. */
export type BotContext = ConversationFlavor<ConversationContext>;
export type BotConversation = Conversation<BotContext, ConversationContext>;
