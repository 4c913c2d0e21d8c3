import { describe, expect, it } from "vitest";
import { commandEntities, formatted } from "../support/fake-telegram/entities.js";
import { failureOf } from "./failure.js";

describe("a text's entities", () => {
  it("parses HTML whatever the case of parse_mode, and keeps Markdown as sent", () => {
    expect(formatted({ text: "<b>x</b>", parse_mode: "html" }, "text", "entities")).toEqual({
      text: "x",
      entities: [{ type: "bold", offset: 0, length: 1 }],
      source: "<b>x</b>",
    });
    expect(formatted({ caption: "*x*", parse_mode: "MarkdownV2" }, "caption", "caption_entities")).toEqual({
      text: "*x*",
      entities: [],
      source: "*x*",
    });
  });

  it("takes the entities given without parse_mode, and no source", () => {
    const entities = [{ type: "bold", offset: 0, length: 1 }];
    expect(formatted({ caption: "x", caption_entities: entities, entities: [] }, "caption", "caption_entities")).toEqual({ text: "x", entities });
    expect(formatted({ text: 42 }, "text", "entities")).toEqual({ text: "42", entities: [] });
  });

  it("refuses a parse_mode Telegram does not know", () => {
    expect(failureOf(() => formatted({ text: "x", parse_mode: "BBCode" }, "text", "entities"))).toEqual({
      code: 400,
      description: "Bad Request: unsupported parse_mode",
    });
  });

  it("marks a leading /command, with or without the bot's name, as clients do", () => {
    expect(commandEntities("/start")).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    expect(commandEntities("/rates@fake_test_bot BTC")).toEqual([{ type: "bot_command", offset: 0, length: 20 }]);
    expect(commandEntities("/start@")).toEqual([]);
    expect(commandEntities("hello /start")).toEqual([]);
  });
});
