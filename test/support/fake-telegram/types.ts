import type {
  Chat,
  ForceReply,
  InlineKeyboardMarkup,
  Location,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
  UserFromGetMe,
} from "grammy/types";

/* What tests, benchmarks and the demo see of the fake: its options, its records and its interface. */

export interface FakeTelegramOptions {
  /** `<bot id>:<secret>`, as BotFather issues them. */
  token?: string;
  /** Global cap on sends and text edits in any sliding second, as Telegram's flood control; unset: none. */
  messagesPerSecond?: number;
  /** 0 (the default): any free port. */
  port?: number;
}

export interface FakeUser {
  id: number;
  is_bot: false;
  first_name: string;
  username?: string;
  language_code?: string;
}

export type FakeUserDetails = Partial<Pick<FakeUser, "first_name" | "username" | "language_code">>;
export type FakeChat = Chat.PrivateChat | Chat.GroupChat;
export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
export type MediaKind = "photo" | "document";

export interface StoredFile {
  kind: MediaKind;
  fileId: string;
  fileUniqueId: string;
  /** Unknown for files sent by URL: the fake downloads nothing. */
  byteLength?: number;
  /** The bytes uploaded, for tests to decode (a copy: messages are handed out cloned). */
  content?: Uint8Array;
  /** Of an uploaded photo, as read from its PNG or JPEG header. */
  width?: number;
  height?: number;
  filename?: string;
  url?: string;
}

/** A message as the fake holds it: Telegram's field names, plus what only the fake knows. */
export interface StoredMessage {
  message_id: number;
  chat: FakeChat;
  /** The bot (`is_bot: true`) or a simulated user. */
  from: User;
  date: number;
  edit_date?: number;
  /** Plain text, as Telegram shows it: markup parsed into `entities`. */
  text?: string;
  caption?: string;
  /** Entities of the text or the caption. */
  entities?: MessageEntity[];
  /** The text or caption exactly as the bot sent it, when it used `parse_mode`. */
  source?: string;
  /** Any markup sent; only inline keyboards are part of the message Telegram returns. */
  reply_markup?: ReplyMarkup;
  file?: StoredFile;
  /** A location the user shared. */
  location?: Location;
  edited: boolean;
  deleted: boolean;
}

export type ApiParams = Record<string, unknown>;

export type ApiResponse =
  { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after: number } };

export interface ApiCall {
  /** Position in the log, from 0. */
  readonly index: number;
  /** As Telegram spells it (method names are case-insensitive), or as received if unknown. */
  readonly method: string;
  /** Decoded parameters: numbers, booleans and JSON objects as such, whatever the encoding. */
  readonly params: ApiParams;
  /** Arrival, epoch ms. */
  readonly time: number;
  /** Undefined if the client went away before the answer (an aborted long poll). */
  readonly response: ApiResponse | undefined;
  /** The bot gave this call in a webhook's HTTP answer rather than calling the API. */
  readonly fromWebhookAnswer?: true;
}

export interface CallbackAnswer {
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  time: number;
}

export interface InjectedFailure {
  code: number;
  description: string;
  retryAfter?: number;
}

export interface FakeTelegramStats {
  /** Sends and text edits served (rate-limited methods only). */
  delivered: number;
  /** Of those, answered 429 by the rate limit. */
  rejected: number;
  /** The most deliveries within any one second. */
  busiestSecond: number;
}

export type CallMatcher = string | ((call: ApiCall) => boolean);

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** A simulated user; creating it again with the same id replaces its details. */
  user(id: number, details?: FakeUserDetails): FakeUser;
  /** A group the bot is a member of; the id must be negative. */
  group(id: number, title: string): Chat.GroupChat;
  /** The user writes `text` (in their private chat with the bot unless `chat` is given); the bot gets a `message` update. */
  sendText(user: FakeUser, text: string, chat?: FakeChat): StoredMessage;
  /** The user shares a location in their private chat (as a `request_location` button does). */
  sendLocation(user: FakeUser, latitude: number, longitude: number): StoredMessage;
  /** The user sends a photo or a document, with a caption if given; the bot gets a `message` update. */
  sendUserMedia(user: FakeUser, kind: MediaKind, caption?: string, chat?: FakeChat): StoredMessage;
  /**
   * The user edits one of their own messages (its text, or a media message's caption); the bot gets an
   * `edited_message` update. A deleted message cannot be edited, as in Telegram's clients.
   */
  editMessage(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, text: string): StoredMessage;
  /** The user presses an inline button of a bot message; the bot gets a `callback_query` update. Returns its id. */
  pressButton(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, callbackData: string): string;
  /**
   * A modified client's press: any callback data on any bot message, button or not (Telegram passes it on
   * as long as it is 1-64 bytes). Returns the callback query id.
   */
  forgeButton(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, callbackData: string): string;
  /** The user blocks the bot: sends to them answer 403, and the bot gets a `my_chat_member` update. */
  blockBot(userId: number): void;
  unblockBot(userId: number): void;
  /** The next `count` calls of `method` fail with this error instead of running. */
  failNext(method: string, count: number, failure: InjectedFailure): void;
  /**
   * The next `count` calls of `method` run as usual (a message is delivered), then the connection drops
   * before the answer: the client sees a network error after Telegram did the work.
   */
  dropAnswerNext(method: string, count: number): void;
  /** Current state of every message the bot sent to the chat, in order, deleted ones flagged. */
  botMessages(chatId: number): StoredMessage[];
  /** The last message the bot sent to the chat, deleted or not. */
  lastBotMessage(chatId: number): StoredMessage | undefined;
  isDeleted(chatId: number, messageId: number): boolean;
  /** Every API call so far, or those of one method. */
  calls(method?: string): ApiCall[];
  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined;
  /**
   * The first call from now on matching a method name or a predicate. With `fromIndex` (say `calls().length`
   * taken before acting), calls already logged from that index on count too.
   */
  waitFor(matcher: CallMatcher, timeoutMs?: number, fromIndex?: number): Promise<ApiCall>;
  /**
   * What Telegram does with a webhook's HTTP answer: performs the one API call its body gives, if any. Its
   * own deliveries do this already; for a caller that posts updates to the webhook itself.
   */
  runWebhookAnswer(body: string): void;
  /** Calls `listener` with every API call as it is logged, until the returned function is called. */
  onCall(listener: (call: ApiCall) => void): () => void;
  /** The next message the bot sends to the chat, as it was sent. */
  nextBotMessage(chatId: number, timeoutMs?: number): Promise<StoredMessage>;
  stats(): FakeTelegramStats;
  /** Ends pending long polls and webhook deliveries and closes every socket. */
  close(): Promise<void>;
}
