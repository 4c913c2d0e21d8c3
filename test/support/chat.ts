import type { InlineKeyboardMarkup } from "grammy/types";
import type { FakeChat, FakeTelegram, FakeUser, StoredMessage } from "./fake-telegram/index.js";

/** A person in one chat with the bot: sends text, presses buttons, waits for what the bot says. */
export interface ChatDriver {
  user: FakeUser;
  send(text: string): StoredMessage;
  /** The first bot message in this chat, not returned before, whose current text matches. */
  expect(pattern: RegExp, timeoutMs?: number): Promise<StoredMessage>;
  /** Presses the button whose label matches, on the given bot message; returns the callback query id. */
  press(message: StoredMessage, label: RegExp): string;
  /** Everything the bot has shown in this chat, as a person would read it, oldest first. */
  transcript(): string[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function chatWith(telegram: FakeTelegram, user: FakeUser, chat?: FakeChat): ChatDriver {
  const chatId = chat?.id ?? user.id;
  const returned = new Set<string>();
  return {
    user,
    send: (text) => telegram.sendText(user, text, chat),
    async expect(pattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = telegram
          .botMessages(chatId)
          .find(
            (message) =>
              !message.deleted && pattern.test(message.text ?? message.caption ?? "") && !returned.has(`${message.message_id}:${message.text}`),
          );
        if (found !== undefined) {
          returned.add(`${found.message_id}:${found.text}`);
          return found;
        }
        if (Date.now() > deadline) {
          const seen = telegram.botMessages(chatId).map((message) => `  ${message.deleted ? "(deleted) " : ""}${message.text ?? ""}`);
          throw new Error(`no bot message matching ${pattern} within ${timeoutMs} ms; the chat shows:\n${seen.join("\n")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    },
    press(message, label) {
      const keyboard = (message.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [];
      const button = keyboard.flat().find((candidate) => label.test(candidate.text));
      if (button === undefined || !("callback_data" in button)) throw new Error(`no button ${label} on message ${message.message_id}`);
      return telegram.pressButton(user, message, button.callback_data);
    },
    transcript: () =>
      telegram
        .botMessages(chatId)
        .filter((message) => !message.deleted)
        .map((message) => message.text ?? message.caption ?? ""),
  };
}
