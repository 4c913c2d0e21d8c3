import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Location,
  Message,
  MessageEntity,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from "grammy/types";

/*
 * A local Telegram Bot API for end-to-end tests, benchmarks and the terminal demo. The real grammY bot talks
 * to it over HTTP through its `apiRoot` option, exactly as it talks to api.telegram.org; tests play the users
 * (`sendText`, `pressButton`) and read what the bot did (`botMessages`, `calls`, `waitFor`).
 */

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

/** A file part of a multipart request, in the logged parameters in place of its `attach://` reference. */
export class UploadedFile {
  readonly byteLength: number;

  constructor(
    readonly filename: string,
    readonly content: Buffer,
  ) {
    this.byteLength = content.length;
  }
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

const DEFAULT_BOT_ID = 7000000001;
const DEFAULT_TOKEN = `${DEFAULT_BOT_ID}:AAFakeTelegramTokenForTestsOnly_0000000`;
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
/** Telegram's limits on what bots upload: photos 10 MB, other files 50 MB. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Telegram keeps a photo at these longest sides, never larger than the original. */
const PHOTO_SIDES = [90, 320, 800, 1280];
const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_UPDATES_PER_POLL = 100;
const RATE_WINDOW_MS = 1000;
const WEBHOOK_RETRY_MS = 100;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** How long `close()` lets answers already under way reach their clients. */
const CLOSE_GRACE_MS = 250;
const DEFAULT_WAIT_MS = 5000;
const SUPERSEDED_GRACE_MS = 20;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
/** What `getMe` answers for the fake bot. */
export function fakeBotInfo(id: number): UserFromGetMe {
  return {
    id,
    is_bot: true,
    first_name: "Fake Bot",
    username: "fake_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";
const WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const POLL_SUPERSEDED = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/** Telegram sends these only when asked for by name in `allowed_updates`. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);
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
/** Methods whose answer is a new message from the bot. */
const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "sendDocument"]);

/*
 * Parameters arrive as strings from query strings and forms; Telegram decodes them by the type each
 * parameter has. These are the ones the supported methods read.
 */
const JSON_PARAMS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "commands",
  "scope",
  "allowed_updates",
  "menu_button",
  "reply_parameters",
  "link_preview_options",
]);
const INTEGER_PARAMS = new Set(["chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "max_connections", "message_thread_id"]);
const BOOLEAN_PARAMS = new Set([
  "show_alert",
  "drop_pending_updates",
  "disable_notification",
  "protect_content",
  "has_spoiler",
  "disable_content_type_detection",
]);

/** An error answer; handlers throw it, the server turns it into Telegram's JSON. */
class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  toResponse(): ApiResponse {
    const response: ApiResponse = { ok: false, error_code: this.code, description: this.description };
    if (this.retryAfter !== undefined) response.parameters = { retry_after: this.retryAfter };
    return response;
  }
}

const badRequest = (detail: string) => new ApiFailure(400, `Bad Request: ${detail}`);
const forbidden = (detail: string) => new ApiFailure(403, `Forbidden: ${detail}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** JSON with object keys sorted, to compare content regardless of key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

function stringParam(params: ApiParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

function integerParam(params: ApiParams, name: string): number | undefined {
  const value = params[name];
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Request decoding

/** A string parameter decoded to the type Telegram expects for it; left alone if it does not decode. */
function decodeParam(name: string, value: string): unknown {
  if (JSON_PARAMS.has(name)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (INTEGER_PARAMS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_PARAMS.has(name) && (value === "true" || value === "false")) return value === "true";
  return value;
}

interface MultipartPart {
  name: string;
  filename?: string;
  content: Buffer;
}

/** Enough of RFC 7578 for what HTTP clients send; grammY writes lowercase headers and unquoted filenames. */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // Treat the body as if preceded by CRLF, so every delimiter, the first included, looks the same.
  const data = Buffer.concat([Buffer.from("\r\n"), body]);
  let start = data.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (data.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = data.indexOf(delimiter, partStart);
    if (next === -1) throw badRequest("can't parse multipart/form-data request");
    const part = data.subarray(partStart + 2, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw badRequest("can't parse multipart/form-data request");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
    if (name === undefined) throw badRequest("can't parse multipart/form-data request");
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*filename=([^;]+)/i.exec(disposition)?.[1]?.trim();
    parts.push({ name, filename, content: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

function multipartParams(body: Buffer, contentType: string): ApiParams {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundaryText = boundary?.[1] ?? boundary?.[2];
  if (boundaryText === undefined) throw badRequest("can't parse multipart/form-data request");
  const params: ApiParams = {};
  const files: MultipartPart[] = [];
  for (const part of parseMultipart(body, boundaryText)) {
    if (part.filename === undefined) params[part.name] = part.content.toString("utf8");
    else files.push(part);
  }
  for (const file of files) {
    const upload = new UploadedFile(file.filename ?? "", Buffer.from(file.content));
    // grammY names file parts randomly and points to them with `attach://<name>` from the field.
    const field = Object.keys(params).find((key) => params[key] === `attach://${file.name}`);
    params[field ?? file.name] = upload;
  }
  return params;
}

function decodeParams(contentType: string, query: URLSearchParams, body: Buffer): ApiParams {
  const raw: ApiParams = Object.fromEntries(query);
  const type = contentType.toLowerCase();
  if (body.length > 0 && type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON encoded request: invalid JSON");
    }
    if (!isRecord(parsed)) throw badRequest("can't parse JSON encoded request: expected an object");
    Object.assign(raw, parsed);
  } else if (body.length > 0 && type.startsWith("application/x-www-form-urlencoded")) {
    Object.assign(raw, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
  } else if (type.startsWith("multipart/form-data")) {
    Object.assign(raw, multipartParams(body, contentType));
  }
  return decodeStrings(raw);
}

function decodeStrings(params: ApiParams): ApiParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === "string" ? decodeParam(name, value) : value]));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------------------------------------
// Formatting: Telegram's HTML, as TDLib parses it, and the checks on texts and keyboards

interface FormattedText {
  text: string;
  entities: MessageEntity[];
  /** The input, kept when it held markup. */
  source?: string;
}

const HTML_TAGS = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote"]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  /** Where the tag's text starts in the output, in UTF-16 units as entity offsets count. */
  offset: number;
  attributes: Map<string, string>;
  /** For `pre`: the language a nested `<code class="language-…">` named. */
  language?: string;
}

/** `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references; anything else stays as written. */
function decodeHtmlEntity(source: string, at: number): { char: string; end: number } | undefined {
  const pattern = /&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-f]{1,6}));/iy;
  pattern.lastIndex = at;
  const match = pattern.exec(source);
  if (match === null) return undefined;
  const [whole, named, decimal, hex] = match;
  const end = at + whole.length;
  if (named !== undefined) return { char: NAMED_ENTITIES[named.toLowerCase()] ?? whole, end };
  const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex ?? "", 16);
  return codePoint <= 0x10ffff ? { char: String.fromCodePoint(codePoint), end } : undefined;
}

function decodeHtmlEntities(value: string): string {
  let decoded = "";
  for (let i = 0; i < value.length;) {
    const entity = value[i] === "&" ? decodeHtmlEntity(value, i) : undefined;
    decoded += entity?.char ?? value[i];
    i = entity?.end ?? i + 1;
  }
  return decoded;
}

function entityFor(tag: OpenTag, length: number, parent: OpenTag | undefined): MessageEntity | undefined {
  const { offset } = tag;
  switch (tag.name) {
    case "b":
    case "strong":
      return { type: "bold", offset, length };
    case "i":
    case "em":
      return { type: "italic", offset, length };
    case "u":
    case "ins":
      return { type: "underline", offset, length };
    case "s":
    case "strike":
    case "del":
      return { type: "strikethrough", offset, length };
    case "tg-spoiler":
    case "span":
      return { type: "spoiler", offset, length };
    case "blockquote":
      return { type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote", offset, length };
    case "a": {
      const url = tag.attributes.get("href");
      return url ? { type: "text_link", offset, length, url } : undefined;
    }
    case "pre":
      return tag.language ? { type: "pre", offset, length, language: tag.language } : { type: "pre", offset, length };
    default: {
      // `code`. Inside `pre`, `<pre><code class="language-x">` is one `pre` entity with a language.
      if (parent?.name !== "pre") return { type: "code", offset, length };
      const language = /^language-(.+)$/.exec(tag.attributes.get("class") ?? "")?.[1];
      if (language !== undefined) parent.language = language;
      return undefined;
    }
  }
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && /\s/.test(char);
}

/** Reads the attributes of a start tag up to its `>`; returns them and the index just past it. */
function readAttributes(source: string, from: number, fail: () => ApiFailure): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  let i = from;
  for (;;) {
    while (isSpace(source[i])) i++;
    if (i >= source.length) throw fail();
    if (source[i] === ">") return { attributes, end: i + 1 };
    const nameStart = i;
    while (i < source.length && !isSpace(source[i]) && source[i] !== "=" && source[i] !== ">") i++;
    const name = source.slice(nameStart, i).toLowerCase();
    while (isSpace(source[i])) i++;
    let value = "";
    // Attributes without a value (`<blockquote expandable>`) are allowed.
    if (source[i] === "=") {
      i++;
      while (isSpace(source[i])) i++;
      const quote = source[i];
      if (quote === '"' || quote === "'") {
        const close = source.indexOf(quote, i + 1);
        if (close === -1) throw fail();
        value = source.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < source.length && !isSpace(source[i]) && source[i] !== ">") i++;
        value = source.slice(valueStart, i);
      }
    }
    attributes.set(name, decodeHtmlEntities(value));
  }
}

/** Telegram's `parse_mode: "HTML"`: the plain text and its entities, or the error Telegram gives for bad markup. */
function parseHtml(source: string): FormattedText {
  const fail = (detail: string) => badRequest(`can't parse entities: ${detail}`);
  const byteOffset = (index: number) => Buffer.byteLength(source.slice(0, index));
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? "";
    const entity = char === "&" ? decodeHtmlEntity(source, i) : undefined;
    if (entity !== undefined || char !== "<") {
      text += entity?.char ?? char;
      i = entity?.end ?? i + 1;
      continue;
    }
    const tagStart = i;
    const closing = source[i + 1] === "/";
    let nameEnd = closing ? i + 2 : i + 1;
    while (nameEnd < source.length && !isSpace(source[nameEnd]) && source[nameEnd] !== ">") nameEnd++;
    const name = source.slice(closing ? i + 2 : i + 1, nameEnd).toLowerCase();
    if (closing) {
      let end = nameEnd;
      while (isSpace(source[end])) end++;
      if (source[end] !== ">") throw fail(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
      const tag = open.pop();
      if (tag === undefined) throw fail(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
      if (name !== "" && name !== tag.name) {
        throw fail(`Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${tag.name}>", found "</${name}>"`);
      }
      const length = text.length - tag.offset;
      const made = entityFor(tag, length, open.at(-1));
      if (made !== undefined && length > 0) entities.push(made);
      i = end + 1;
      continue;
    }
    if (!HTML_TAGS.has(name)) throw fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(tagStart)}`);
    const { attributes, end } = readAttributes(source, nameEnd, () => fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`));
    if (name === "span" && attributes.get("class") !== "tg-spoiler") {
      throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(tagStart)}`);
    }
    open.push({ name, offset: text.length, attributes });
    i = end;
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities, source };
}

/** A text or caption with its `parse_mode` applied. */
function formatted(params: ApiParams, field: "text" | "caption", entitiesField: "entities" | "caption_entities"): FormattedText {
  const raw = params[field];
  const source = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  const mode = (stringParam(params, "parse_mode") ?? "").toLowerCase();
  if (mode === "html") return parseHtml(source);
  // Markdown is not parsed: the text stays as sent.
  if (mode === "markdown" || mode === "markdownv2") return { text: source, entities: [], source };
  if (mode !== "") throw badRequest("unsupported parse_mode");
  const entities = params[entitiesField];
  return { text: source, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
}

function checkButton(button: unknown): void {
  if (!isRecord(button) || typeof button.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  if (typeof button.callback_data === "string") {
    const bytes = Buffer.byteLength(button.callback_data);
    if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
    return;
  }
  if (!BUTTON_ACTIONS.some((action) => action in button)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

function replyMarkup(value: unknown): ReplyMarkup | undefined {
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

function inlineKeyboardOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && "inline_keyboard" in markup ? markup : undefined;
}

/** A leading `/command` or `/command@bot` is a `bot_command` entity, as Telegram's clients mark it. */
function commandEntities(text: string): MessageEntity[] {
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])/.exec(text);
  return command === null ? [] : [{ type: "bot_command", offset: 0, length: command[0].length }];
}

type UpdateKind = Exclude<keyof Update, "update_id">;
/** Messages in updates: the fake has no channels. */
type WireMessage = Message & Update.NonChannel;

type MessageContent = Partial<Pick<StoredMessage, "text" | "caption" | "entities" | "source" | "reply_markup" | "file" | "location">>;

/** Sets what is given and removes what is undefined or empty, so stored messages carry no blank fields. */
function setContent(message: StoredMessage, content: MessageContent): void {
  for (const key of Object.keys(content) as (keyof MessageContent)[]) {
    const value = content[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete message[key];
    else Object.assign(message, { [key]: value });
  }
}

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame; undefined for anything else. */
function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString("latin1", 12, 16) === "IHDR") {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes.readUInt16BE(0) !== 0xffd8) return undefined;
  for (let offset = 2; offset + 9 < bytes.length;) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

/** The sizes Telegram makes of a photo: the original scaled to each standard longest side below it, and the original. */
function photoSizes(file: StoredFile): { file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }[] {
  if (file.width === undefined || file.height === undefined) {
    return [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 320, height: 320, file_size: file.byteLength }];
  }
  const { width, height } = file;
  const longest = Math.max(width, height);
  const largest = Math.min(longest, PHOTO_SIDES[PHOTO_SIDES.length - 1]!);
  const sides = [...PHOTO_SIDES.filter((side) => side < largest), largest];
  return sides.map((side, index) => ({
    file_id: index === sides.length - 1 ? file.fileId : `${file.fileId}_${side}`,
    file_unique_id: `${file.fileUniqueId}${index}`,
    width: Math.round((width * side) / longest),
    height: Math.round((height * side) / longest),
    ...(index === sides.length - 1 ? { file_size: file.byteLength } : {}),
  }));
}

/** The message as the Bot API returns it and puts it in updates. */
function toWire(message: StoredMessage): WireMessage {
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

function describeCall(call: ApiCall): string {
  const params = JSON.stringify(call.params);
  const shown = params.length > 160 ? `${params.slice(0, 157)}...` : params;
  const outcome =
    call.response === undefined ? "(client left)" : call.response.ok ? "ok" : `${call.response.error_code} ${call.response.description}`;
  return `#${call.index} ${call.method} ${shown} -> ${outcome}`;
}

// ---------------------------------------------------------------------------------------------------------
// Webhook delivery

interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
  /** Aborted when the webhook is replaced or deleted, or the fake closes: ends delivery to it. */
  stop: AbortController;
}

type Delivery = { ok: true; body: string } | { ok: false; error: string };

/** One POST of one update; never rejects. */
function postUpdate(hook: Webhook, update: Update): Promise<Delivery> {
  return new Promise((resolve) => {
    const body = JSON.stringify(update);
    const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
    if (hook.secretToken !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secretToken;
    const send = hook.url.startsWith("https:") ? httpsRequest : httpRequest;
    // No agent: each delivery closes its connection, so nothing lingers after close().
    const request = send(hook.url, { method: "POST", headers, agent: false, signal: hook.stop.signal, timeout: WEBHOOK_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => resolve({ ok: false, error: error.message }));
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, body: Buffer.concat(chunks).toString("utf8") });
        else resolve({ ok: false, error: `Wrong response from the webhook: ${status} ${response.statusMessage ?? ""}`.trim() });
      });
    });
    request.on("timeout", () => request.destroy(new Error("Read timeout expired")));
    request.on("error", (error) => resolve({ ok: false, error: error.message }));
    request.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The fake

interface ChatState {
  chat: FakeChat;
  /** Index `message_id - 1`: ids count up from 1 in each chat. */
  messages: StoredMessage[];
}

interface Waiter {
  onCall(call: ApiCall): void;
  onClose(): void;
}

type PollEnd = "wake" | "timeout" | "superseded" | "aborted";
type Handler = (params: ApiParams, signal: AbortSignal) => unknown;
interface MethodEntry {
  name: string;
  handler: Handler;
}

class FakeTelegramServer implements FakeTelegram {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  private readonly botUser: User;
  private readonly messagesPerSecond: number | undefined;
  private readonly methods: Map<string, MethodEntry>;

  private readonly users = new Map<number, FakeUser>();
  private readonly chats = new Map<number, ChatState>();
  private readonly blocked = new Set<number>();
  private readonly files = new Map<string, StoredFile>();
  private readonly callbackQueries = new Map<string, { answer?: CallbackAnswer }>();
  private readonly commands = new Map<string, BotCommand[]>();

  /** Updates not yet confirmed by `getUpdates` or delivered to the webhook. */
  private pending: Update[] = [];
  private nextUpdateId = 1;
  private allowedUpdates: string[] = [];
  private activePoll: ((end: PollEnd) => void) | undefined;
  private webhook: Webhook | undefined;
  private delivering = false;

  private readonly log: ApiCall[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly injected = new Map<string, ApiFailure[]>();
  /** Calls per method still to be answered with a dropped connection (`dropAnswerNext`). */
  private readonly droppedAnswers = new Map<string, number>();
  private readonly deliveries: number[] = [];
  private rejected = 0;
  private serial = 0;

  private readonly responding = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    readonly apiRoot: string,
    options: FakeTelegramOptions,
  ) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.messagesPerSecond = options.messagesPerSecond;
    // The bot's id is the token's first part, as with real tokens.
    const botId = Number(this.token.split(":")[0]);
    this.botInfo = fakeBotInfo(Number.isSafeInteger(botId) && botId > 0 ? botId : DEFAULT_BOT_ID);
    this.botUser = { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
    this.methods = this.methodTable();
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.accept(req, res));
  }

  private methodTable(): Map<string, MethodEntry> {
    const handlers: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (params, signal) => this.getUpdates(params, signal),
      setWebhook: (params) => this.setWebhook(params),
      deleteWebhook: (params) => this.removeWebhook(params.drop_pending_updates === true),
      getWebhookInfo: () => this.webhookInfo(),
      setMyCommands: (params) => this.setMyCommands(params),
      getMyCommands: (params) => this.commands.get(this.commandsKey(params)) ?? [],
      deleteMyCommands: (params) => {
        this.commands.delete(this.commandsKey(params));
        return true;
      },
      setChatMenuButton: (params) => this.setChatMenuButton(params),
      sendMessage: this.rateLimited((params) => this.sendMessage(params)),
      editMessageText: this.rateLimited((params) => this.editMessageText(params)),
      editMessageReplyMarkup: (params) => this.editMessageReplyMarkup(params),
      deleteMessage: (params) => this.deleteMessage(params),
      answerCallbackQuery: (params) => this.answerCallbackQuery(params),
      sendChatAction: (params) => this.sendChatAction(params),
      sendPhoto: this.rateLimited((params) => this.sendMedia("photo", params)),
      sendDocument: this.rateLimited((params) => this.sendMedia("document", params)),
    };
    // Telegram matches method names case-insensitively.
    return new Map(Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));
  }

  // --- HTTP ------------------------------------------------------------------------------------------

  private accept(req: IncomingMessage, res: ServerResponse): void {
    const finished = new Promise<void>((resolve) => res.once("close", () => resolve()));
    this.responding.add(finished);
    void finished.then(() => this.responding.delete(finished));
    this.serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) writeJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.apiRoot);
    const route = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
    if (route === null) return writeJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token = "", name = ""] = route;
    // The client going away before the answer (an aborted long poll) must not cost it updates.
    const left = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) left.abort();
    });
    const decode = async () => decodeParams(req.headers["content-type"] ?? "", url.searchParams, await readBody(req));
    const response = await this.perform(token, name, decode, left.signal);
    if (response !== undefined && this.dropsAnswer(name)) {
      res.socket?.destroy();
      return;
    }
    if (response !== undefined) writeJson(res, response.ok ? 200 : response.error_code, response);
  }

  /**
   * Checks, performs and logs one call, HTTP or not; undefined if the client left first. Parameters are
   * decoded once token and method are known good, as Telegram checks them in that order.
   */
  private async perform(
    token: string,
    name: string,
    decode: () => Promise<ApiParams>,
    signal: AbortSignal,
    fromWebhookAnswer = false,
  ): Promise<ApiResponse | undefined> {
    const time = Date.now();
    let method = name;
    let params: ApiParams = {};
    let response: ApiResponse;
    try {
      if (token !== this.token) throw new ApiFailure(401, "Unauthorized");
      const entry = this.lookup(name);
      method = entry.name;
      params = await decode();
      response = await this.invoke(entry, params, signal);
    } catch (error) {
      response = this.failureResponse(error);
    }
    const answer = signal.aborted ? undefined : response;
    this.record({ method, params, time, response: answer, ...(fromWebhookAnswer && { fromWebhookAnswer }) });
    return answer;
  }

  /** Takes one of the method's dropped answers, if any are left. */
  private dropsAnswer(name: string): boolean {
    const method = this.methods.get(name.toLowerCase())?.name;
    const left = method === undefined ? 0 : (this.droppedAnswers.get(method) ?? 0);
    if (left === 0) return false;
    this.droppedAnswers.set(method!, left - 1);
    return true;
  }

  private lookup(name: string): MethodEntry {
    const entry = this.methods.get(name.toLowerCase());
    if (entry === undefined) throw new ApiFailure(404, "Not Found: method not found");
    return entry;
  }

  private async invoke(entry: MethodEntry, params: ApiParams, signal: AbortSignal): Promise<ApiResponse> {
    const injected = this.injected.get(entry.name)?.shift();
    if (injected !== undefined) throw injected;
    return { ok: true, result: await entry.handler(params, signal) };
  }

  /** Telegram's error for an `ApiFailure`; a 500 naming the fault for a bug in the fake, so tests see it. */
  private failureResponse(error: unknown): ApiResponse {
    if (error instanceof ApiFailure) return error.toResponse();
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ok: false, error_code: 500, description: `Internal Server Error: fake-telegram failed: ${detail}` };
  }

  private record(entry: Omit<ApiCall, "index">): void {
    const call: ApiCall = { index: this.log.length, ...entry };
    this.log.push(call);
    for (const waiter of [...this.waiters]) waiter.onCall(call);
  }

  // --- Updates: long polling and webhook --------------------------------------------------------------

  private enqueue(payload: Omit<Update, "update_id">): void {
    const kind = Object.keys(payload)[0] ?? "";
    const allowed = this.allowedUpdates.length === 0 ? !OPT_IN_UPDATES.has(kind) : this.allowedUpdates.includes(kind);
    if (!allowed) return;
    this.pending.push({ update_id: this.nextUpdateId++, ...payload });
    this.activePoll?.("wake");
    this.pumpWebhook();
  }

  private setAllowedUpdates(value: unknown): void {
    if (Array.isArray(value)) this.allowedUpdates = value.filter((kind): kind is string => typeof kind === "string");
  }

  /** A positive offset confirms every earlier update; a negative one keeps only the last -offset. */
  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    this.pending = offset > 0 ? this.pending.filter((update) => update.update_id >= offset) : this.pending.slice(offset);
  }

  private async getUpdates(params: ApiParams, signal: AbortSignal): Promise<Update[]> {
    if (this.webhook !== undefined) throw new ApiFailure(409, WEBHOOK_ACTIVE);
    this.setAllowedUpdates(params.allowed_updates);
    this.confirm(integerParam(params, "offset"));
    const limit = Math.min(Math.max(integerParam(params, "limit") ?? MAX_UPDATES_PER_POLL, 1), MAX_UPDATES_PER_POLL);
    const timeoutSeconds = Math.max(integerParam(params, "timeout") ?? 0, 0);
    // As Telegram: a newer request ends the one waiting.
    this.activePoll?.("superseded");
    if (this.pending.length === 0 && timeoutSeconds > 0 && this.closing === undefined) {
      const end = await this.waitForUpdate(timeoutSeconds * 1000, signal);
      if (end === "superseded") {
        // Usually the client aborted this poll and then sent the new one (grammY's bot.stop()), and the news of
        // the abort is still on its way: give it a moment, so the log shows a poll left, not a conflict.
        await delay(SUPERSEDED_GRACE_MS);
        throw new ApiFailure(409, POLL_SUPERSEDED);
      }
      if (this.webhook !== undefined) throw new ApiFailure(409, WEBHOOK_ACTIVE);
    }
    // Handed out, not removed: only a later offset confirms them, so a lost answer loses nothing.
    return this.pending.slice(0, limit);
  }

  private waitForUpdate(ms: number, signal: AbortSignal): Promise<PollEnd> {
    if (signal.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const onAbort = () => end("aborted");
      const timer = setTimeout(() => end("timeout"), ms);
      const end = (reason: PollEnd) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.activePoll === end) this.activePoll = undefined;
        resolve(reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.activePoll = end;
    });
  }

  private setWebhook(params: ApiParams): true {
    const url = stringParam(params, "url") ?? "";
    const dropPending = params.drop_pending_updates === true;
    if (url === "") return this.removeWebhook(dropPending);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw badRequest("bad webhook: invalid webhook URL specified");
    const secretToken = stringParam(params, "secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    this.setAllowedUpdates(params.allowed_updates);
    this.removeWebhook(dropPending);
    this.webhook = { url, secretToken, maxConnections: integerParam(params, "max_connections") ?? 40, stop: new AbortController() };
    this.activePoll?.("wake");
    this.pumpWebhook();
    return true;
  }

  private removeWebhook(dropPending: boolean): true {
    this.webhook?.stop.abort();
    this.webhook = undefined;
    if (dropPending) this.pending = [];
    return true;
  }

  private webhookInfo(): WebhookInfo {
    const hook = this.webhook;
    const info: WebhookInfo = { url: hook?.url ?? "", has_custom_certificate: false, pending_update_count: this.pending.length };
    if (hook === undefined) return info;
    info.max_connections = hook.maxConnections;
    if (hook.lastErrorDate !== undefined) info.last_error_date = hook.lastErrorDate;
    if (hook.lastErrorMessage !== undefined) info.last_error_message = hook.lastErrorMessage;
    // As the bot gave them: the fake does not check the names.
    if (this.allowedUpdates.length > 0) info.allowed_updates = [...this.allowedUpdates] as UpdateKind[];
    return info;
  }

  /** One update at a time, in order, each until the webhook answers 2xx. */
  private pumpWebhook(): void {
    const hook = this.webhook;
    const update = this.pending[0];
    if (this.delivering || hook === undefined || update === undefined || hook.stop.signal.aborted) return;
    this.delivering = true;
    void this.deliver(hook, update).finally(() => {
      this.delivering = false;
      this.pumpWebhook();
    });
  }

  private async deliver(hook: Webhook, update: Update): Promise<void> {
    const delivery = await postUpdate(hook, update);
    if (hook.stop.signal.aborted) return;
    if (delivery.ok) {
      this.pending = this.pending.filter((pending) => pending !== update);
      this.runWebhookAnswer(delivery.body);
      return;
    }
    hook.lastErrorDate = unixNow();
    hook.lastErrorMessage = delivery.error;
    await delay(WEBHOOK_RETRY_MS, undefined, { signal: hook.stop.signal }).catch(() => undefined);
  }

  runWebhookAnswer(body: string): void {
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (!isRecord(reply) || typeof reply.method !== "string") return;
    const { method, ...params } = reply;
    void this.perform(this.token, method, () => Promise.resolve(decodeStrings(params)), new AbortController().signal, true);
  }

  // --- Chats and messages ------------------------------------------------------------------------------

  /** The chat a call addresses; `send`: the bot must also be able to write there. */
  private chatFor(params: ApiParams, purpose: "send" | "manage"): ChatState {
    const id = params.chat_id;
    if (id === undefined || id === "") throw badRequest("chat_id is empty");
    const state = typeof id === "number" ? this.chats.get(id) : undefined;
    if (state === undefined) {
      if (typeof id === "number" && this.users.has(id)) throw forbidden("bot can't initiate conversation with a user");
      throw badRequest("chat not found");
    }
    if (purpose === "send" && this.blocked.has(state.chat.id)) throw forbidden("bot was blocked by the user");
    return state;
  }

  private privateChat(user: FakeUser): ChatState {
    const existing = this.chats.get(user.id);
    if (existing !== undefined) return existing;
    const chat: Chat.PrivateChat = { id: user.id, type: "private", first_name: user.first_name };
    if (user.username !== undefined) chat.username = user.username;
    const state: ChatState = { chat, messages: [] };
    this.chats.set(user.id, state);
    return state;
  }

  private store(state: ChatState, from: User, content: MessageContent): StoredMessage {
    const message: StoredMessage = { message_id: state.messages.length + 1, chat: state.chat, from, date: unixNow(), edited: false, deleted: false };
    setContent(message, content);
    state.messages.push(message);
    return message;
  }

  private storedMessage(state: ChatState, params: ApiParams, notFound: string): StoredMessage {
    const id = integerParam(params, "message_id");
    const message = id === undefined ? undefined : state.messages[id - 1];
    if (message === undefined || message.deleted) throw badRequest(notFound);
    return message;
  }

  private editableMessage(params: ApiParams): StoredMessage {
    if (params.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
    const message = this.storedMessage(this.chatFor(params, "send"), params, "message to edit not found");
    if (message.from.id !== this.botUser.id) throw badRequest("message can't be edited");
    return message;
  }

  private textContent(params: ApiParams): FormattedText {
    const content = formatted(params, "text", "entities");
    if (content.text.length === 0) throw badRequest("message text is empty");
    if (content.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
    return content;
  }

  private sendMessage(params: ApiParams): Message {
    const state = this.chatFor(params, "send");
    const { text, entities, source } = this.textContent(params);
    const reply_markup = replyMarkup(params.reply_markup);
    return toWire(this.store(state, this.botUser, { text, entities, source, reply_markup }));
  }

  private sendMedia(kind: MediaKind, params: ApiParams): Message {
    const state = this.chatFor(params, "send");
    const file = this.inputFile(kind, params[kind]);
    const caption = formatted(params, "caption", "caption_entities");
    if (caption.text.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
    const reply_markup = replyMarkup(params.reply_markup);
    const content: MessageContent = { file, reply_markup };
    if (caption.text !== "") Object.assign(content, { caption: caption.text, entities: caption.entities, source: caption.source });
    return toWire(this.store(state, this.botUser, content));
  }

  /** An upload, a file id the fake issued, or a URL (recorded, not downloaded). */
  private inputFile(kind: MediaKind, value: unknown): StoredFile {
    if (value instanceof UploadedFile) {
      if (value.byteLength === 0) throw badRequest("file must be non-empty");
      if (value.byteLength > (kind === "photo" ? MAX_PHOTO_BYTES : MAX_UPLOAD_BYTES)) throw new ApiFailure(413, "Request Entity Too Large");
      const file = { kind, byteLength: value.byteLength, content: value.content, filename: value.filename };
      if (kind !== "photo") return this.registerFile(file);
      const size = imageSize(value.content);
      if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
      if (size.width + size.height > 10_000 || Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)) {
        throw badRequest("PHOTO_INVALID_DIMENSIONS");
      }
      return this.registerFile({ ...file, ...size });
    }
    if (typeof value !== "string" || value === "") throw badRequest(`there is no ${kind} in the request`);
    const known = this.files.get(value);
    if (known !== undefined) return known;
    if (/^https?:\/\/\S+$/i.test(value)) return this.registerFile({ kind, url: value });
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  private registerFile(file: Omit<StoredFile, "fileId" | "fileUniqueId">): StoredFile {
    // Telegram's file ids are opaque base64url; the prefixes are those of real photos and documents.
    const fileId = `${file.kind === "photo" ? "AgACAgIAAxkDAAI" : "BQACAgIAAxkDAAI"}${randomBytes(24).toString("base64url")}`;
    const stored: StoredFile = { ...file, fileId, fileUniqueId: `AQAD${randomBytes(8).toString("base64url")}` };
    this.files.set(fileId, stored);
    return stored;
  }

  private editMessageText(params: ApiParams): Message {
    const message = this.editableMessage(params);
    if (message.text === undefined) throw badRequest("there is no text in the message to edit");
    const { text, entities, source } = this.textContent(params);
    // Without `reply_markup` the edit removes the inline keyboard, as Telegram does.
    const reply_markup = replyMarkup(params.reply_markup);
    const same =
      stableJson([message.text, message.entities ?? [], inlineKeyboardOf(message.reply_markup)]) ===
      stableJson([text, entities, inlineKeyboardOf(reply_markup)]);
    if (same) throw badRequest(NOT_MODIFIED);
    setContent(message, { text, entities, source, reply_markup });
    return toWire(this.markEdited(message));
  }

  private editMessageReplyMarkup(params: ApiParams): Message {
    const message = this.editableMessage(params);
    const reply_markup = replyMarkup(params.reply_markup);
    if (stableJson(inlineKeyboardOf(message.reply_markup)) === stableJson(inlineKeyboardOf(reply_markup))) {
      throw badRequest(NOT_MODIFIED);
    }
    setContent(message, { reply_markup });
    return toWire(this.markEdited(message));
  }

  private markEdited(message: StoredMessage): StoredMessage {
    message.edited = true;
    message.edit_date = unixNow();
    return message;
  }

  private deleteMessage(params: ApiParams): true {
    const message = this.storedMessage(this.chatFor(params, "manage"), params, "message to delete not found");
    message.deleted = true;
    return true;
  }

  private answerCallbackQuery(params: ApiParams): true {
    const id = stringParam(params, "callback_query_id");
    const query = id === undefined ? undefined : this.callbackQueries.get(id);
    if (query === undefined || query.answer !== undefined) throw badRequest(QUERY_TOO_OLD);
    const answer: CallbackAnswer = { show_alert: params.show_alert === true, time: Date.now() };
    const text = stringParam(params, "text");
    const url = stringParam(params, "url");
    const cacheTime = integerParam(params, "cache_time");
    if (text !== undefined) answer.text = text;
    if (url !== undefined) answer.url = url;
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    query.answer = answer;
    return true;
  }

  private sendChatAction(params: ApiParams): true {
    this.chatFor(params, "send");
    if (!CHAT_ACTIONS.has(stringParam(params, "action") ?? "")) throw badRequest("wrong parameter action in request");
    return true;
  }

  // --- Commands and menu ---------------------------------------------------------------------------------

  /** Commands are kept per scope and language, as Telegram keeps them. */
  private commandsKey(params: ApiParams): string {
    const scope = params.scope ?? { type: "default" };
    if (!isRecord(scope) || typeof scope.type !== "string") throw badRequest("can't parse BotCommandScope JSON object");
    // Ids may come as numbers or strings; either names the same chat.
    const id = (value: unknown) => (typeof value === "number" || typeof value === "string" ? String(value) : "");
    return JSON.stringify([scope.type, id(scope.chat_id), id(scope.user_id), stringParam(params, "language_code") ?? ""]);
  }

  private setMyCommands(params: ApiParams): true {
    const commands = params.commands;
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    const checked = commands.map((command: unknown): BotCommand => {
      if (!isRecord(command) || typeof command.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
      if (typeof command.description !== "string" || command.description.length === 0 || command.description.length > 256) {
        throw badRequest("command description must be non-empty");
      }
      return { command: command.command, description: command.description };
    });
    const key = this.commandsKey(params);
    if (checked.length === 0) this.commands.delete(key);
    else this.commands.set(key, checked);
    return true;
  }

  private setChatMenuButton(params: ApiParams): true {
    if (params.chat_id !== undefined) this.chatFor(params, "manage");
    const button = params.menu_button ?? { type: "default" };
    if (!isRecord(button) || !["commands", "web_app", "default"].includes(String(button.type))) {
      throw badRequest("can't parse menu button JSON object");
    }
    // What was set is in the call log; the fake answers no getChatMenuButton.
    return true;
  }

  // --- Flood control ------------------------------------------------------------------------------------

  private rateLimited(handler: Handler): Handler {
    return (params, signal) => {
      const now = Date.now();
      if (!this.admitSend(now)) {
        this.rejected++;
        throw new ApiFailure(429, "Too Many Requests: retry after 1", 1);
      }
      const result = handler(params, signal);
      this.deliveries.push(now);
      return result;
    };
  }

  /** Sliding window over the last second of deliveries. */
  private admitSend(now: number): boolean {
    if (this.messagesPerSecond === undefined) return true;
    let recent = 0;
    for (let i = this.deliveries.length - 1; i >= 0 && now - (this.deliveries[i] ?? 0) < RATE_WINDOW_MS; i--) recent++;
    return recent < this.messagesPerSecond;
  }

  stats(): FakeTelegramStats {
    let busiestSecond = 0;
    for (let start = 0, end = 0; end < this.deliveries.length; end++) {
      while ((this.deliveries[end] ?? 0) - (this.deliveries[start] ?? 0) >= RATE_WINDOW_MS) start++;
      busiestSecond = Math.max(busiestSecond, end - start + 1);
    }
    return { delivered: this.deliveries.length, rejected: this.rejected, busiestSecond };
  }

  // --- The simulated users -----------------------------------------------------------------------------

  user(id: number, details: FakeUserDetails = {}): FakeUser {
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`user ids are positive integers, got ${id}`);
    const user: FakeUser = { id, is_bot: false, first_name: details.first_name ?? `User ${id}` };
    if (details.username !== undefined) user.username = details.username;
    if (details.language_code !== undefined) user.language_code = details.language_code;
    this.users.set(id, user);
    return user;
  }

  group(id: number, title: string): Chat.GroupChat {
    if (!Number.isSafeInteger(id) || id >= 0) throw new Error(`group ids are negative integers, got ${id}`);
    const chat: Chat.GroupChat = { id, type: "group", title };
    const existing = this.chats.get(id);
    if (existing !== undefined) existing.chat = chat;
    else this.chats.set(id, { chat, messages: [] });
    return chat;
  }

  /** The chat a simulated user acts in; refuses what a real client could not do. */
  private userChat(user: FakeUser, chat: FakeChat | undefined): ChatState {
    this.users.set(user.id, user);
    if (chat === undefined || chat.type === "private") {
      if (chat !== undefined && chat.id !== user.id) throw new Error(`user ${user.id} cannot write in the private chat of ${chat.id}`);
      if (this.blocked.has(user.id)) throw new Error(`user ${user.id} has blocked the bot; unblockBot(${user.id}) first`);
      return this.privateChat(user);
    }
    const state = this.chats.get(chat.id);
    if (state === undefined) throw new Error(`unknown chat ${chat.id}: create it with group()`);
    return state;
  }

  sendText(user: FakeUser, text: string, chat?: FakeChat): StoredMessage {
    if (text === "") throw new Error("Telegram clients send no empty messages");
    const state = this.userChat(user, chat);
    const message = this.store(state, user, { text, entities: commandEntities(text) });
    this.enqueue({ message: toWire(message) });
    return structuredClone(message);
  }

  sendLocation(user: FakeUser, latitude: number, longitude: number): StoredMessage {
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw new Error("no such place on Earth");
    const message = this.store(this.userChat(user, undefined), user, { location: { latitude, longitude } });
    this.enqueue({ message: toWire(message) });
    return structuredClone(message);
  }

  sendUserMedia(user: FakeUser, kind: MediaKind, caption?: string, chat?: FakeChat): StoredMessage {
    const state = this.userChat(user, chat);
    const file = this.registerFile(
      kind === "photo" ? { kind, width: 1280, height: 720, byteLength: 90_000 } : { kind, filename: "key.txt", byteLength: 120 },
    );
    const content: MessageContent = { file };
    if (caption !== undefined && caption !== "") Object.assign(content, { caption, entities: commandEntities(caption) });
    const message = this.store(state, user, content);
    this.enqueue({ message: toWire(message) });
    return structuredClone(message);
  }

  editMessage(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, text: string): StoredMessage {
    if (text === "") throw new Error("Telegram clients send no empty messages");
    const stored = this.userChat(user, message.chat).messages[message.message_id - 1];
    if (stored === undefined || stored.deleted) throw new Error(`message ${message.message_id} in chat ${message.chat.id} is gone`);
    if (stored.from.id !== user.id) throw new Error(`user ${user.id} cannot edit message ${message.message_id}: it is not theirs`);
    const field = stored.text !== undefined ? "text" : "caption";
    if (field === "caption" && stored.file === undefined) throw new Error(`message ${message.message_id} has no text or caption to edit`);
    setContent(stored, { [field]: text, entities: commandEntities(text) });
    this.markEdited(stored);
    this.enqueue({ edited_message: { ...toWire(stored), edit_date: stored.edit_date! } });
    return structuredClone(stored);
  }

  pressButton(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, callbackData: string): string {
    const stored = this.userChat(user, message.chat).messages[message.message_id - 1];
    const buttons = inlineKeyboardOf(stored?.reply_markup)?.inline_keyboard.flat() ?? [];
    if (stored !== undefined && !buttons.some((button) => "callback_data" in button && button.callback_data === callbackData)) {
      throw new Error(
        `message ${stored.message_id} has no button with callback data ${JSON.stringify(callbackData)}; it has ${JSON.stringify(buttons)}`,
      );
    }
    return this.forgeButton(user, message, callbackData);
  }

  forgeButton(user: FakeUser, message: Pick<StoredMessage, "chat" | "message_id">, callbackData: string): string {
    const state = this.userChat(user, message.chat);
    const stored = state.messages[message.message_id - 1];
    if (stored === undefined || stored.deleted) throw new Error(`message ${message.message_id} in chat ${message.chat.id} is gone`);
    if (Buffer.byteLength(callbackData) < 1 || Buffer.byteLength(callbackData) > 64) throw new Error("callback data must be 1-64 bytes");
    const id = String(4_382_000_000_000_000_000n + BigInt(++this.serial));
    this.callbackQueries.set(id, {});
    const query: CallbackQuery = {
      id,
      from: user,
      message: toWire(stored),
      chat_instance: String(-7_000_000_000_000_000_000n - BigInt(state.chat.id)),
      data: callbackData,
    };
    this.enqueue({ callback_query: query });
    return id;
  }

  blockBot(userId: number): void {
    this.setBlocked(userId, true);
  }

  unblockBot(userId: number): void {
    this.setBlocked(userId, false);
  }

  /** Telegram tells the bot with a `my_chat_member` update when a user blocks or unblocks it. */
  private setBlocked(userId: number, blocked: boolean): void {
    const user = this.users.get(userId);
    if (user === undefined) throw new Error(`unknown user ${userId}: create it with user()`);
    if (this.blocked.has(userId) === blocked) return;
    if (blocked) this.blocked.add(userId);
    else this.blocked.delete(userId);
    const chat = this.chats.get(userId)?.chat;
    if (chat === undefined) return;
    const member = { status: "member" as const, user: this.botUser };
    const kicked = { status: "kicked" as const, user: this.botUser, until_date: 0 };
    this.enqueue({
      my_chat_member: {
        chat,
        from: user,
        date: unixNow(),
        old_chat_member: blocked ? member : kicked,
        new_chat_member: blocked ? kicked : member,
      },
    });
  }

  failNext(method: string, count: number, failure: InjectedFailure): void {
    const entry = this.methods.get(method.toLowerCase());
    if (entry === undefined) throw new Error(`failNext: the fake has no method ${method}`);
    const queue = this.injected.get(entry.name) ?? [];
    for (let i = 0; i < count; i++) queue.push(new ApiFailure(failure.code, failure.description, failure.retryAfter));
    this.injected.set(entry.name, queue);
  }

  dropAnswerNext(method: string, count: number): void {
    const entry = this.methods.get(method.toLowerCase());
    if (entry === undefined) throw new Error(`dropAnswerNext: the fake has no method ${method}`);
    this.droppedAnswers.set(entry.name, (this.droppedAnswers.get(entry.name) ?? 0) + count);
  }

  // --- Observation ---------------------------------------------------------------------------------------

  botMessages(chatId: number): StoredMessage[] {
    const messages = this.chats.get(chatId)?.messages ?? [];
    return messages.filter((message) => message.from.id === this.botUser.id).map((message) => structuredClone(message));
  }

  lastBotMessage(chatId: number): StoredMessage | undefined {
    return this.botMessages(chatId).at(-1);
  }

  isDeleted(chatId: number, messageId: number): boolean {
    const message = this.chats.get(chatId)?.messages[messageId - 1];
    if (message === undefined) throw new Error(`chat ${chatId} has no message ${messageId}`);
    return message.deleted;
  }

  calls(method?: string): ApiCall[] {
    if (method === undefined) return [...this.log];
    return this.log.filter((call) => call.method.toLowerCase() === method.toLowerCase());
  }

  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    const answer = this.callbackQueries.get(callbackQueryId)?.answer;
    return answer === undefined ? undefined : { ...answer };
  }

  onCall(listener: (call: ApiCall) => void): () => void {
    const waiter: Waiter = { onCall: listener, onClose: () => undefined };
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  waitFor(matcher: CallMatcher, timeoutMs = DEFAULT_WAIT_MS, fromIndex?: number): Promise<ApiCall> {
    const matches = typeof matcher === "string" ? (call: ApiCall) => call.method.toLowerCase() === matcher.toLowerCase() : matcher;
    const what = typeof matcher === "string" ? `to ${matcher}` : "matching the predicate";
    return this.waitForCall(matches, timeoutMs, fromIndex, what);
  }

  private waitForCall(matches: (call: ApiCall) => boolean, timeoutMs: number, fromIndex: number | undefined, what: string): Promise<ApiCall> {
    if (fromIndex !== undefined) {
      const earlier = this.log.slice(fromIndex).find(matches);
      if (earlier !== undefined) return Promise.resolve(earlier);
    }
    if (this.closing !== undefined) return Promise.reject(new Error(`waitFor: the fake Telegram is closed; no call ${what} will come`));
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        onCall: (call) => {
          try {
            if (!matches(call)) return;
            finish();
            resolve(call);
          } catch (error) {
            finish();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        onClose: () => {
          finish();
          reject(new Error(`waitFor: the fake Telegram closed before a call ${what}`));
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waitFor: no API call ${what} within ${timeoutMs} ms; ${this.recentCalls()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private recentCalls(): string {
    if (this.log.length === 0) return "no API calls at all";
    return `the last calls were:\n  ${this.log.slice(-10).map(describeCall).join("\n  ")}`;
  }

  async nextBotMessage(chatId: number, timeoutMs = DEFAULT_WAIT_MS): Promise<StoredMessage> {
    const call = await this.waitForCall(
      (candidate) =>
        SEND_METHODS.has(candidate.method) && candidate.response?.ok === true && (candidate.response.result as Message).chat.id === chatId,
      timeoutMs,
      undefined,
      `sending a message to chat ${chatId}`,
    );
    const sent = (call.response as { result: Message }).result;
    const message = this.chats.get(chatId)?.messages[sent.message_id - 1];
    if (message === undefined) throw new Error(`the fake lost message ${sent.message_id} of chat ${chatId}`);
    return structuredClone(message);
  }

  // --- Shutdown ------------------------------------------------------------------------------------------

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.activePoll?.("wake");
    this.webhook?.stop.abort();
    for (const waiter of [...this.waiters]) waiter.onClose();
    // Let the answers under way (the long poll just ended) reach their clients before the sockets go.
    await Promise.race([Promise.allSettled([...this.responding]), delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Starts the fake on loopback; point grammY at it with `new Bot(fake.token, { client: { apiRoot: fake.apiRoot } })`. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const server = createServer();
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return new FakeTelegramServer(server, `http://127.0.0.1:${port}`, options);
}
