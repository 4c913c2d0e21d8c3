import type { MessageEntity } from "grammy/types";
import { badRequest } from "./failures.js";
import { parseHtml, type FormattedText } from "./html.js";
import { stringParam } from "./params.js";
import type { ApiParams } from "./types.js";

/** A text or caption with its `parse_mode` applied. */
export function formatted(params: ApiParams, field: "text" | "caption", entitiesField: "entities" | "caption_entities"): FormattedText {
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

/** A leading `/command` or `/command@bot` is a `bot_command` entity, as Telegram's clients mark it. */
export function commandEntities(text: string): MessageEntity[] {
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])/.exec(text);
  return command === null ? [] : [{ type: "bot_command", offset: 0, length: command[0].length }];
}
