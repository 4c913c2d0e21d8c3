import type { ButtonKind } from "./callback-data.js";
import { CANCEL } from "./buttons.js";
import type { BotConversation, ConversationContext } from "./context.js";

/**
 * The next update of this chat that is meant for the conversation whose buttons are of kind `buttons`. Its
 * Cancel button ends the conversation; commands, and buttons of other features, pass on to the rest of the
 * bot (so /help still answers) while the conversation waits on.
 */
export async function nextAnswer(conversation: BotConversation, ctx: ConversationContext, buttons: ButtonKind<string>): Promise<ConversationContext> {
  const answer = await conversation.wait();
  const data = answer.callbackQuery?.data;
  if (data !== undefined && buttons.read(data) === CANCEL) {
    await answer.answerCallbackQuery();
    await answer.reply(ctx.t("cancel-done"));
    return conversation.halt();
  }
  if (answer.message?.text?.startsWith("/") || (data !== undefined && !buttons.names(data))) {
    return conversation.skip({ next: true });
  }
  return answer;
}
