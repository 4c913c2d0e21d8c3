import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./failures.js";
import { isValidCallbackData } from "./limits.js";
import { isRecord } from "./params.js";
import type { ReplyMarkup } from "./types.js";

/** What an inline button may do besides carry callback data; a button with none of these is refused. */
const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

function checkButton(button: unknown): void {
  if (!isRecord(button) || typeof button.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  if (typeof button.callback_data === "string") {
    if (!isValidCallbackData(button.callback_data)) throw badRequest("BUTTON_DATA_INVALID");
    return;
  }
  if (!BUTTON_ACTIONS.some((action) => action in button)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

/** The `reply_markup` of a send or an edit, checked as Telegram checks inline keyboards. */
export function replyMarkup(value: unknown): ReplyMarkup | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ("inline_keyboard" in value) {
    const rows = value.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((row: unknown) => Array.isArray(row))) {
      throw badRequest('Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of (rows as unknown[][]).flat()) checkButton(button);
    return { inline_keyboard: rows as InlineKeyboardButton[][] };
  }
  if (Array.isArray(value.keyboard) || value.remove_keyboard === true || value.force_reply === true) return value as unknown as ReplyMarkup;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

export function inlineKeyboardOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && "inline_keyboard" in markup ? markup : undefined;
}
