import { describe, expect, it } from "vitest";
import { cutText } from "../../src/domain/text.js";

/** True where a string holds half of a surrogate pair. */
const loneSurrogate = (text: string) => /\p{Surrogate}/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));

describe("cutting text to a length", () => {
  it("keeps text that fits as it is", () => {
    expect(cutText("hello", 5)).toBe("hello");
    expect(cutText("", 3)).toBe("");
  });

  it("cuts between whole characters: no lone surrogate, no emoji or flag in pieces", () => {
    expect(cutText("abc😀", 4)).toBe("abc");
    expect(cutText("ab👍🏽c", 5)).toBe("ab");
    expect(cutText("x🇩🇪y", 4)).toBe("x");
    expect(cutText("👨‍👩‍👧", 4)).toBe("");
    expect(cutText("中文名字", 2)).toBe("中文");
    for (let max = 0; max <= 12; max++) {
      const cut = cutText("a😀b👍🏽c🇩🇪d", max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(loneSurrogate(cut), `cut at ${max}: ${JSON.stringify(cut)}`).toBe(false);
    }
  });
});
