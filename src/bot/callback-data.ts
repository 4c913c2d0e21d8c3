import type { Composer, Filter } from "grammy";
import type { z } from "zod";
import type { BotContext } from "./context.js";

/** Telegram refuses a button whose callback data passes 64 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

/**
 * One kind of button: its name, then its typed fields, as `name:field:field…`. The fields are read back
 * through a schema: callback data is the client's to forge, so a press is honoured only for data the bot
 * could have made.
 */
export interface ButtonKind<T> {
  readonly name: string;
  /** The callback data of a button carrying `value`. */
  data(value: T): string;
  /** What a press of this kind carries; undefined for another kind's data, or malformed or forged data. */
  read(data: string): T | undefined;
  /** Whether `data` names this kind, well formed or not. */
  names(data: string): boolean;
}

const names = new Set<string>();

/**
 * Registers a kind of button. `write` gives the fields of a value; `fields` reads them back (a zod schema
 * of the fields after the name). Two kinds of one name, or data over 64 bytes, are the bot's own bug and
 * throw at once.
 */
export function buttonKind<T>(name: string, write: (value: T) => readonly string[], fields: z.ZodType<T, string[]>): ButtonKind<T> {
  if (!/^[a-z]+$/.test(name)) throw new Error(`a button's name is lower-case letters: ${name}`);
  if (names.has(name)) throw new Error(`two kinds of button are named ${name}`);
  const kind: ButtonKind<T> = {
    name,
    data(value) {
      const data = [name, ...write(value)].join(":");
      if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) throw new Error(`the callback data of a ${name} button passes 64 bytes: ${data}`);
      return data;
    },
    read(data) {
      if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT || !kind.names(data)) return undefined;
      const parsed = fields.safeParse(data.split(":").slice(1));
      return parsed.success ? parsed.data : undefined;
    },
    names: (data) => data.split(":", 1)[0] === name,
  };
  names.add(name);
  return kind;
}

/** Where a press came from: a message in the presser's own private chat, the only place the bot honours it. */
export interface PressedMessage {
  chatId: number;
  messageId: number;
}

/**
 * The message of a press in the presser's own private chat; undefined for one anywhere else (a group, an
 * inline message, a chat that is not theirs), which a person's data never reaches.
 */
export function ownMessage(ctx: BotContext): PressedMessage | undefined {
  const message = ctx.callbackQuery?.message;
  if (message === undefined || ctx.from === undefined || message.chat.type !== "private" || message.chat.id !== ctx.from.id) return undefined;
  return { chatId: message.chat.id, messageId: message.message_id };
}

export type PressContext = Filter<BotContext, "callback_query:data">;

/**
 * Installs the handler of one kind of button on `composer`: it runs only for well-formed data of this kind
 * pressed in the presser's own private chat (`anywhere`: in any chat, for a setting of the presser's own);
 * any other press of this kind is told its button is stale. Data of other kinds passes on.
 */
export function onPress<T>(
  composer: Composer<BotContext>,
  kind: ButtonKind<T>,
  handler: (ctx: PressContext, value: T, message: PressedMessage) => Promise<unknown>,
  options: { anywhere?: boolean } = {},
): void {
  composer.on("callback_query:data", async (ctx, next) => {
    const { data } = ctx.callbackQuery;
    if (!kind.names(data)) return next();
    const value = kind.read(data);
    const pressed = options.anywhere === true ? anyMessage(ctx) : ownMessage(ctx);
    if (value === undefined || pressed === undefined) return ctx.answerCallbackQuery({ text: ctx.t("button-stale") });
    await handler(ctx, value, pressed);
  });
}

function anyMessage(ctx: PressContext): PressedMessage | undefined {
  const message = ctx.callbackQuery.message;
  return message === undefined ? undefined : { chatId: message.chat.id, messageId: message.message_id };
}
