import type { BotConversation, ConversationContext } from "./context.js";

/** Callback data of a conversation's Cancel button. */
export const cancelData = (conversationId: string) => `${conversationId}:cancel`;

/**
 * The next update of this chat that is meant for the conversation `conversationId`. Its Cancel button ends
 * the conversation; commands, and buttons of other features, pass on to the rest of the bot (so /help
 * still answers) while the conversation waits on.
 */
export async function nextAnswer(conversation: BotConversation, ctx: ConversationContext, conversationId: string): Promise<ConversationContext> {
  const answer = await conversation.wait();
  const data = answer.callbackQuery?.data;
  if (data === cancelData(conversationId)) {
    await answer.answerCallbackQuery();
    await answer.reply(ctx.t("cancel-done"));
    return conversation.halt();
  }
  if (answer.message?.text?.startsWith("/") || (data !== undefined && !data.startsWith(`${conversationId}:`))) {
    return conversation.skip({ next: true });
  }
  return answer;
}
