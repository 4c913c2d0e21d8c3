import type { Message, Update } from "grammy/types";
import { photoSizes } from "./images.js";
import { inlineKeyboardOf } from "./markup.js";
import type { StoredMessage } from "./types.js";

/** Messages in updates: the fake has no channels. */
export type WireMessage = Message & Update.NonChannel;

export type MessageContent = Partial<Pick<StoredMessage, "text" | "caption" | "entities" | "source" | "reply_markup" | "file" | "location">>;

/** Sets what is given and removes what is undefined or empty, so stored messages carry no blank fields. */
export function setContent(message: StoredMessage, content: MessageContent): void {
  for (const key of Object.keys(content) as (keyof MessageContent)[]) {
    const value = content[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete message[key];
    else Object.assign(message, { [key]: value });
  }
}

/** The message as the Bot API returns it and puts it in updates. */
export function toWire(message: StoredMessage): WireMessage {
  const wire: WireMessage = { message_id: message.message_id, from: message.from, chat: message.chat, date: message.date };
  if (message.edit_date !== undefined) wire.edit_date = message.edit_date;
  const entities = message.entities !== undefined && message.entities.length > 0 ? message.entities : undefined;
  if (message.text !== undefined) {
    wire.text = message.text;
    if (entities) wire.entities = entities;
  }
  const file = message.file;
  if (file?.kind === "photo") {
    wire.photo = photoSizes(file);
  } else if (file?.kind === "document") {
    wire.document = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_name: file.filename, file_size: file.byteLength };
  }
  if (message.caption !== undefined) {
    wire.caption = message.caption;
    if (entities) wire.caption_entities = entities;
  }
  if (message.location !== undefined) wire.location = message.location;
  const keyboard = inlineKeyboardOf(message.reply_markup);
  if (keyboard !== undefined) wire.reply_markup = keyboard;
  return wire;
}
