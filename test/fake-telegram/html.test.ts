import { describe, expect, it } from "vitest";
import { parseHtml } from "../support/fake-telegram/html.js";
import { failureOf } from "./failure.js";

const entitiesError = (detail: string) => ({ code: 400, description: `Bad Request: can't parse entities: ${detail}` });

describe("parse_mode HTML", () => {
  it("gives the plain text and its entities, outer ones first, the markup kept as the source", () => {
    const source = "<b>bold <i>both</i></b> plain <u>u</u><s>s</s><code>c</code>";
    expect(parseHtml(source)).toEqual({
      text: "bold both plain usc",
      entities: [
        { type: "bold", offset: 0, length: 9 },
        { type: "italic", offset: 5, length: 4 },
        { type: "underline", offset: 16, length: 1 },
        { type: "strikethrough", offset: 17, length: 1 },
        { type: "code", offset: 18, length: 1 },
      ],
      source,
    });
  });

  it("counts offsets in UTF-16 units, as the Bot API does", () => {
    expect(parseHtml("💰 <b>USDT</b>").entities).toEqual([{ type: "bold", offset: 3, length: 4 }]);
  });

  it("takes the tags' other names and any case", () => {
    expect(parseHtml("<STRONG>a</STRONG><em>b</em><ins>c</ins><del>d</del><strike>e</strike>").entities.map((entity) => entity.type)).toEqual([
      "bold",
      "italic",
      "underline",
      "strikethrough",
      "strikethrough",
    ]);
  });

  it("decodes the four named references and numeric ones, and leaves other ampersands as written", () => {
    expect(parseHtml("a &lt;b&gt; &amp; &quot;c&quot; &#36; &#x20AC; &nbsp; AT&T").text).toBe('a <b> & "c" $ € &nbsp; AT&T');
  });

  it("makes a link of <a href>, its URL decoded, and nothing of an <a> without one", () => {
    expect(parseHtml('<a href="https://okx.com/?a=1&amp;b=2">OKX</a> <a>bare</a>')).toMatchObject({
      text: "OKX bare",
      entities: [{ type: "text_link", offset: 0, length: 3, url: "https://okx.com/?a=1&b=2" }],
    });
  });

  it("makes one pre entity with a language of <pre><code class=language-…>", () => {
    expect(parseHtml('<pre><code class="language-ts">x = 1</code></pre>').entities).toEqual([{ type: "pre", offset: 0, length: 5, language: "ts" }]);
    expect(parseHtml("<pre>plain</pre>").entities).toEqual([{ type: "pre", offset: 0, length: 5 }]);
  });

  it("knows spoilers and blockquotes, expandable or not", () => {
    expect(parseHtml('<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>').entities).toEqual([
      { type: "spoiler", offset: 0, length: 1 },
      { type: "spoiler", offset: 1, length: 1 },
    ]);
    expect(parseHtml("<blockquote>q</blockquote><blockquote expandable>e</blockquote>").entities).toEqual([
      { type: "blockquote", offset: 0, length: 1 },
      { type: "expandable_blockquote", offset: 1, length: 1 },
    ]);
  });

  it("closes the innermost tag with </>, and makes no entity of an empty one", () => {
    expect(parseHtml("<b>x</>").entities).toEqual([{ type: "bold", offset: 0, length: 1 }]);
    expect(parseHtml("<b></b>x")).toMatchObject({ text: "x", entities: [] });
  });

  it("refuses bad markup with Telegram's descriptions, offsets counted in UTF-8 bytes", () => {
    expect(failureOf(() => parseHtml("€ <blink>x</blink>"))).toEqual(entitiesError('Unsupported start tag "blink" at byte offset 4'));
    expect(failureOf(() => parseHtml("<b>x</i>"))).toEqual(entitiesError('Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'));
    expect(failureOf(() => parseHtml("x</b>"))).toEqual(entitiesError("Unexpected end tag at byte offset 1"));
    expect(failureOf(() => parseHtml("<b>x</b"))).toEqual(entitiesError("Unclosed end tag at byte offset 4"));
    expect(failureOf(() => parseHtml('<a href="x>y</a>'))).toEqual(entitiesError("Unclosed start tag at byte offset 0"));
    expect(failureOf(() => parseHtml("<b>open"))).toEqual(entitiesError('Can\'t find end tag corresponding to start tag "b"'));
    expect(failureOf(() => parseHtml("<span>x</span>"))).toEqual(entitiesError('Tag "span" must have class "tg-spoiler" at byte offset 0'));
  });
});
