import { describe, expect, it } from "vitest";
import { decodeParams } from "../support/fake-telegram/params.js";
import { failureOf } from "./failure.js";

const noQuery = new URLSearchParams();

describe("request parameters", () => {
  it("decodes strings by the type each parameter has: JSON, integers, booleans; others stay strings", () => {
    const form = new URLSearchParams({
      chat_id: "-100200",
      text: "42",
      reply_markup: '{"inline_keyboard":[]}',
      show_alert: "true",
      limit: "12a",
      entities: "not json",
    });
    expect(decodeParams("application/x-www-form-urlencoded", noQuery, Buffer.from(form.toString()))).toEqual({
      chat_id: -100200,
      text: "42",
      reply_markup: { inline_keyboard: [] },
      show_alert: true,
      limit: "12a",
      entities: "not json",
    });
  });

  it("merges a JSON body over the query string, decoding strings in it too", () => {
    const query = new URLSearchParams({ chat_id: "1", text: "from the query" });
    const body = Buffer.from(JSON.stringify({ chat_id: "5", timeout: 30, allowed_updates: ["message"] }));
    expect(decodeParams("application/json; charset=utf-8", query, body)).toEqual({
      chat_id: 5,
      text: "from the query",
      timeout: 30,
      allowed_updates: ["message"],
    });
  });

  it("reads only the query string from a body of another type", () => {
    expect(decodeParams("text/plain", new URLSearchParams({ offset: "-1" }), Buffer.from("chat_id=1"))).toEqual({ offset: -1 });
  });

  it("refuses a JSON body that is not an object", () => {
    expect(failureOf(() => decodeParams("application/json", noQuery, Buffer.from("{")))).toEqual({
      code: 400,
      description: "Bad Request: can't parse JSON encoded request: invalid JSON",
    });
    expect(failureOf(() => decodeParams("application/json", noQuery, Buffer.from("[1]")))).toEqual({
      code: 400,
      description: "Bad Request: can't parse JSON encoded request: expected an object",
    });
  });
});
