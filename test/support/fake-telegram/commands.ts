import type { BotCommand } from "grammy/types";
import { badRequest } from "./failures.js";
import { isRecord, stringParam } from "./params.js";
import type { ApiParams } from "./types.js";

/** The bot's command lists, kept per scope and language as Telegram keeps them. */
export class CommandStore {
  private readonly commands = new Map<string, BotCommand[]>();

  set(params: ApiParams): true {
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
    const key = this.key(params);
    if (checked.length === 0) this.commands.delete(key);
    else this.commands.set(key, checked);
    return true;
  }

  get(params: ApiParams): BotCommand[] {
    return this.commands.get(this.key(params)) ?? [];
  }

  delete(params: ApiParams): true {
    this.commands.delete(this.key(params));
    return true;
  }

  private key(params: ApiParams): string {
    const scope = params.scope ?? { type: "default" };
    if (!isRecord(scope) || typeof scope.type !== "string") throw badRequest("can't parse BotCommandScope JSON object");
    // Ids may come as numbers or strings; either names the same chat.
    const id = (value: unknown) => (typeof value === "number" || typeof value === "string" ? String(value) : "");
    return JSON.stringify([scope.type, id(scope.chat_id), id(scope.user_id), stringParam(params, "language_code") ?? ""]);
  }
}
