import { badRequest } from "./failures.js";
import { multipartParams } from "./multipart.js";
import type { ApiParams } from "./types.js";

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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringParam(params: ApiParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

export function integerParam(params: ApiParams, name: string): number | undefined {
  const value = params[name];
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

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

/** The parameters of a request: its query string, then its body, in any of the encodings Telegram reads. */
export function decodeParams(contentType: string, query: URLSearchParams, body: Buffer): ApiParams {
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

/** Decodes the parameters that are strings; those already typed (JSON bodies, uploads) stay as they are. */
export function decodeStrings(params: ApiParams): ApiParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === "string" ? decodeParam(name, value) : value]));
}
