import { GrammyError, type Api, type InlineKeyboard } from "grammy";

/**
 * Edits a message's text in place. Telegram refuses an edit that changes nothing ("message is not
 * modified"): for a refresh or a repeated press that is no failure.
 */
export async function editText(api: Api, chatId: number, messageId: number, text: string, keyboard?: InlineKeyboard): Promise<void> {
  try {
    await api.editMessageText(chatId, messageId, text, { parse_mode: "HTML", reply_markup: keyboard });
  } catch (error) {
    if (!(error instanceof GrammyError && error.description.includes("message is not modified"))) throw error;
  }
}
