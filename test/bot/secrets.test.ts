import { Api, Context } from "grammy";
import type { Message, Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { passphraseProblem } from "../../src/domain/key-format.js";
import { mustGo, type ConnectKnowledge } from "../../src/bot/secrets.js";
import { fakeBotInfo } from "../support/fake-telegram/index.js";

const me = fakeBotInfo(1);
const person = { id: 42, is_bot: false, first_name: "Ann" };
const privateChat = { id: 42, type: "private", first_name: "Ann" } as const;
const group = { id: -7, type: "group", title: "Desk" } as const;
const KEY = "2a97516c-354b-6884-8cdb-d8f54a226a0a";
const SECRET = "4EC6CDF71F979B82BD2B2202A85E0B2B";

function message(content: Partial<Message>, chat: Message["chat"] = privateChat): Message {
  const text = content.text;
  const command = text === undefined ? null : /^\/\w+(@\w+)?/.exec(text);
  return {
    message_id: 5,
    date: 0,
    chat,
    from: person,
    ...(command === null ? {} : { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] }),
    ...content,
  };
}

const context = (update: Omit<Update, "update_id">) => new Context({ update_id: 1, ...update }, new Api("1:x"), me);
const sent = (content: Partial<Message>, chat?: Message["chat"]) => context({ message: message(content, chat) as Update["message"] });
const edited = (content: Partial<Message>, chat?: Message["chat"]) =>
  context({ edited_message: { ...message(content, chat), edit_date: 1 } as Update["edited_message"] });
const photo = (caption?: string, chat?: Message["chat"]) =>
  sent({ photo: [{ file_id: "f", file_unique_id: "u", width: 90, height: 90 }], ...(caption === undefined ? {} : { caption }) }, chat);

describe("what must go", () => {
  it("anything that looks like a key or a secret, in any chat, new or edited, text or caption, whatever is known of /connect", () => {
    for (const known of ["running", "not-running", "unknown"] satisfies ConnectKnowledge[]) {
      expect(mustGo(sent({ text: `my key ${KEY}` }), known)).toBe("secret");
      expect(mustGo(sent({ text: SECRET }, group), known)).toBe("secret");
      expect(mustGo(photo(`secret: ${SECRET}`), known)).toBe("secret");
      expect(mustGo(photo(KEY, group), known)).toBe("secret");
      expect(mustGo(edited({ text: KEY }), known)).toBe("secret");
      expect(mustGo(edited({ text: `here ${SECRET}` }, group), known)).toBe("secret");
    }
  });

  it("nothing else in a group, nor in a private chat where /connect is known not to run", () => {
    for (const update of [sent({ text: "gm" }, group), photo("chart", group), edited({ text: "gm all" }, group)]) {
      expect(mustGo(update, "unknown")).toBeUndefined();
    }
    for (const update of [sent({ text: "Pass-alice-1" }), sent({ text: "/connect" }), photo(), edited({ text: "hello" })]) {
      expect(mustGo(update, "not-running")).toBeUndefined();
    }
  });

  it("in a private chat where /connect runs or may run: every message but a command of the bot's that no passphrase could be", () => {
    for (const known of ["running", "unknown"] satisfies ConnectKnowledge[]) {
      for (const text of [
        "Pass-alice-1",
        "/Secret#1",
        "my pass phrase",
        "我的口令是八个字符",
        "/connect",
        "/interest",
        "/cancel#1",
        "/unknown",
        "/cancel@another_bot",
        "/status@another_bot",
      ]) {
        expect(mustGo(sent({ text }), known), text).toBe("unsure");
      }
      expect(mustGo(photo(), known)).toBe("unsure");
      expect(mustGo(photo("a caption"), known)).toBe("unsure");
      expect(mustGo(edited({ text: "/status" }), known)).toBe("unsure");
      for (const text of ["/status", "/help", "/cancel", "/cancel@fake_test_bot", "/interest USDT 30d", "/digest Asia/Kolkata"]) {
        expect(mustGo(sent({ text }), known), text).toBeUndefined();
      }
      expect(mustGo(sent({ text: `/interest ${KEY}` }), known)).toBe("secret");
    }
  });

  it("never the bot's own message under a pressed button", () => {
    const pressed = context({
      callback_query: {
        id: "q",
        from: person,
        chat_instance: "c",
        data: "connect:env:live",
        message: { ...message({ text: SECRET }), from: { ...person, id: 1, is_bot: true } },
      },
    });
    expect(mustGo(pressed, "unknown")).toBeUndefined();
  });
});

describe("a passphrase OKX can carry", () => {
  it("is 8 to 32 printable ASCII characters without spaces; other characters are told apart from a bad length", () => {
    expect(passphraseProblem("/Secret#1")).toBeUndefined();
    expect(passphraseProblem("Pass-alice-1")).toBeUndefined();
    expect(passphraseProblem("~!@#$%^&*()_+{}|:<>?")).toBeUndefined();
    expect(passphraseProblem("short")).toBe("format");
    expect(passphraseProblem("with a space")).toBe("format");
    expect(passphraseProblem("x".repeat(33))).toBe("format");
    expect(passphraseProblem("我的口令是八个字符")).toBe("characters");
    expect(passphraseProblem("Pass-🔑-word-1")).toBe("characters");
    expect(passphraseProblem("Passwörter-1")).toBe("characters");
  });
});
