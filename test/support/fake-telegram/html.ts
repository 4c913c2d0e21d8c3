import type { MessageEntity } from "grammy/types";
import { badRequest, type ApiFailure } from "./failures.js";

/* Telegram's `parse_mode: "HTML"` as TDLib parses it: the tags and entities it knows, and its errors. */

export interface FormattedText {
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
export function parseHtml(source: string): FormattedText {
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
