import type { InlineKeyboardButton } from "grammy/types";
import type { StoredMessage } from "../test/support/fake-telegram/index.js";
import type { SavedFile } from "./files.js";

/*
 * A chat as a terminal shows it. The local Bot API already holds each message as Telegram shows it (HTML parsed
 * into plain text and entities), so what is left is laying it out: who speaks, and the buttons, numbered so
 * that typing the number presses one.
 */

const BOT = "bot";
const YOU = "you";
const INDENT = " ".repeat(BOT.length + 3);

export function inlineButtons(message: StoredMessage): InlineKeyboardButton[][] {
  const markup = message.reply_markup;
  return markup !== undefined && "inline_keyboard" in markup ? markup.inline_keyboard : [];
}

/**
 * Rows of `[1] 24h  [2] · 7d ·`, numbered from 1 in reading order. A reply keyboard (the one under the
 * typing field) is shown as `⌨ label`: its plain buttons send their label as a message.
 */
export function renderButtons(message: StoredMessage): string[] {
  let number = 0;
  const inline = inlineButtons(message).map((row) =>
    row.map((button) => `[${++number}] ${button.text}${"url" in button ? ` ↗ ${button.url}` : ""}`).join("  "),
  );
  const markup = message.reply_markup;
  const keyboard = markup !== undefined && "keyboard" in markup ? markup.keyboard : [];
  const reply = keyboard.map((row) => row.map((button) => `⌨ ${typeof button === "string" ? button : button.text}`).join("  "));
  return [...inline, ...reply];
}

/** `(photo: chart.png, 48213 bytes)`, then where the demo saved it, if it did. */
function describeFile(message: StoredMessage, saved: SavedFile | undefined): string | undefined {
  const file = message.file;
  if (file === undefined) return undefined;
  const name = file.filename ?? file.url ?? "unnamed";
  const where = saved === undefined ? "" : "path" in saved ? ` saved as ${saved.path}` : ` (${saved.problem})`;
  return `(${file.kind}: ${name}${file.byteLength === undefined ? "" : `, ${file.byteLength} bytes`})${where}`;
}

/** What one speaker said, the first line marked with who and how, the rest indented under it. */
function speech(mark: string, lines: readonly string[]): string[] {
  return lines.map((line, index) => (index === 0 ? `${mark} ${line}` : `${INDENT}${line}`).trimEnd());
}

/** A bot message as it stands now; `edited` marks one that was there before and changed; `saved` is where its file went. */
export function renderBotMessage(message: StoredMessage, edited: boolean, saved?: SavedFile): string[] {
  const body = [describeFile(message, saved), message.text ?? message.caption].filter((part) => part !== undefined).join("\n");
  return speech(`${BOT} ${edited ? "✎" : "›"}`, [...body.split("\n"), ...renderButtons(message)]);
}

export function renderNotice(text: string, alert: boolean): string[] {
  return speech(`${BOT} ${alert ? "⚠" : "ⓘ"}`, text.split("\n"));
}

export function renderDeletion(ofYours: boolean): string[] {
  return speech(`${BOT} ✂`, [ofYours ? "(deleted your message)" : "(deleted one of its messages)"]);
}

export function renderSent(text: string): string[] {
  return speech(`${YOU} ›`, text.split("\n"));
}

export function renderPress(label: string): string[] {
  return speech(`${YOU} ›`, [`[${label}]`]);
}
