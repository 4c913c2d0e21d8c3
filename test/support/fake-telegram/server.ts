import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import type { CallbackQuery, Chat, Message, Update, User, UserFromGetMe } from "grammy/types";
import { botIdOf, DEFAULT_TOKEN, fakeBotInfo } from "./bot-identity.js";
import { CallLog, DEFAULT_WAIT_MS } from "./call-log.js";
import { unixNow } from "./clock.js";
import { CommandStore } from "./commands.js";
import { commandEntities, formatted } from "./entities.js";
import { ApiFailure, badRequest, forbidden } from "./failures.js";
import { FileStore } from "./files.js";
import type { FormattedText } from "./html.js";
import { checkCaption, checkMessageText, FloodControl, isValidCallbackData } from "./limits.js";
import { LongPolling } from "./long-polling.js";
import { inlineKeyboardOf, replyMarkup } from "./markup.js";
import { setContent, toWire, type MessageContent } from "./messages.js";
import { decodeParams, decodeStrings, integerParam, isRecord, stringParam } from "./params.js";
import type {
  ApiCall,
  ApiParams,
  ApiResponse,
  CallbackAnswer,
  CallMatcher,
  FakeChat,
  FakeTelegram,
  FakeTelegramOptions,
  FakeTelegramStats,
  FakeUser,
  FakeUserDetails,
  InjectedFailure,
  MediaKind,
  StoredMessage,
} from "./types.js";
import { UpdateQueue } from "./updates.js";
import { WebhookPump } from "./webhook.js";

/** How long `close()` lets answers already under way reach their clients. */
const CLOSE_GRACE_MS = 250;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";

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
/** Methods whose answer is a new message from the bot. */
const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "sendDocument"]);

/** JSON with object keys sorted, to compare content regardless of key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

interface ChatState {
  chat: FakeChat;
  /** Index `message_id - 1`: ids count up from 1 in each chat. */
  messages: StoredMessage[];
}

type Handler = (params: ApiParams, signal: AbortSignal) => unknown;
interface MethodEntry {
  name: string;
  handler: Handler;
}

/** The fake's state (users, chats, messages) and the Bot API methods over it, served over HTTP. */
export class FakeTelegramServer implements FakeTelegram {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  private readonly botUser: User;
  private readonly methods: Map<string, MethodEntry>;

  private readonly users = new Map<number, FakeUser>();
  private readonly chats = new Map<number, ChatState>();
  private readonly blocked = new Set<number>();
  private readonly files = new FileStore();
  private readonly callbackQueries = new Map<string, { answer?: CallbackAnswer }>();
  private readonly commands = new CommandStore();

  private readonly updates = new UpdateQueue();
  private readonly polling = new LongPolling(this.updates, {
    webhookActive: () => this.webhook.active,
    closing: () => this.closing !== undefined,
  });
  private readonly webhook = new WebhookPump(this.updates, {
    installed: () => this.polling.wake(),
    answered: (body) => this.runWebhookAnswer(body),
  });

  private readonly log = new CallLog();
  private readonly injected = new Map<string, ApiFailure[]>();
  /** Calls per method still to be answered with a dropped connection (`dropAnswerNext`). */
  private readonly droppedAnswers = new Map<string, number>();
  private readonly flood: FloodControl;
  private serial = 0;

  private readonly responding = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    readonly apiRoot: string,
    options: FakeTelegramOptions,
  ) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.flood = new FloodControl(options.messagesPerSecond);
    this.botInfo = fakeBotInfo(botIdOf(this.token));
    this.botUser = { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
    this.methods = this.methodTable();
    server.on("request", (req: IncomingMessage, res: ServerResponse) => this.accept(req, res));
  }

  private methodTable(): Map<string, MethodEntry> {
    const handlers: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (params, signal) => this.polling.getUpdates(params, signal),
      setWebhook: (params) => this.webhook.set(params),
      deleteWebhook: (params) => this.webhook.remove(params.drop_pending_updates === true),
      getWebhookInfo: () => this.webhook.info(),
      setMyCommands: (params) => this.commands.set(params),
      getMyCommands: (params) => this.commands.get(params),
      deleteMyCommands: (params) => this.commands.delete(params),
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

  /** Sends and text edits count against Telegram's flood control. */
  private rateLimited(handler: Handler): Handler {
    return (params, signal) => this.flood.run(() => handler(params, signal));
  }

  stats(): FakeTelegramStats {
    return this.flood.stats();
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
    this.log.record({ method, params, time, response: answer, ...(fromWebhookAnswer && { fromWebhookAnswer }) });
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

  // --- Updates ---------------------------------------------------------------------------------------

  private enqueue(payload: Omit<Update, "update_id">): void {
    if (!this.updates.add(payload)) return;
    this.polling.wake();
    this.webhook.pump();
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
    checkMessageText(content.text);
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
    const file = this.files.inputFile(kind, params[kind]);
    const caption = formatted(params, "caption", "caption_entities");
    checkCaption(caption.text);
    const reply_markup = replyMarkup(params.reply_markup);
    const content: MessageContent = { file, reply_markup };
    if (caption.text !== "") Object.assign(content, { caption: caption.text, entities: caption.entities, source: caption.source });
    return toWire(this.store(state, this.botUser, content));
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
  // --- Menu ------------------------------------------------------------------------------------------

  private setChatMenuButton(params: ApiParams): true {
    if (params.chat_id !== undefined) this.chatFor(params, "manage");
    const button = params.menu_button ?? { type: "default" };
    if (!isRecord(button) || !["commands", "web_app", "default"].includes(String(button.type))) {
      throw badRequest("can't parse menu button JSON object");
    }
    // What was set is in the call log; the fake answers no getChatMenuButton.
    return true;
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
    const file = this.files.register(
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
    if (!isValidCallbackData(callbackData)) throw new Error("callback data must be 1-64 bytes");
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
    return this.log.calls(method);
  }

  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    const answer = this.callbackQueries.get(callbackQueryId)?.answer;
    return answer === undefined ? undefined : { ...answer };
  }

  onCall(listener: (call: ApiCall) => void): () => void {
    return this.log.onCall(listener);
  }

  waitFor(matcher: CallMatcher, timeoutMs?: number, fromIndex?: number): Promise<ApiCall> {
    return this.log.waitFor(matcher, timeoutMs, fromIndex);
  }

  async nextBotMessage(chatId: number, timeoutMs = DEFAULT_WAIT_MS): Promise<StoredMessage> {
    const call = await this.log.waitForCall(
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
    this.polling.wake();
    this.webhook.stop();
    this.log.close();
    // Let the answers under way (the long poll just ended) reach their clients before the sockets go.
    await Promise.race([Promise.allSettled([...this.responding]), delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
