import { describe, expect, it } from "vitest";
import { addSpan, nextStretch, pageSpan, spansFrom } from "../../src/domain/coverage.js";

describe("coverage spans", () => {
  it("merge spans that overlap or touch and keep the others apart, newest first", () => {
    let spans = addSpan([], { from: 100, to: 200 });
    spans = addSpan(spans, { from: 300, to: 400 });
    expect(spans).toEqual([
      { from: 300, to: 400 },
      { from: 100, to: 200 },
    ]);
    spans = addSpan(spans, { from: 201, to: 250 });
    expect(spans).toEqual([
      { from: 300, to: 400 },
      { from: 100, to: 250 },
    ]);
    expect(addSpan(spans, { from: 240, to: 310 })).toEqual([{ from: 100, to: 400 }]);
    expect(addSpan(spans, { from: 5, to: 4 })).toEqual(spans);
    expect(spansFrom(spans, 220)).toEqual(spans);
    expect(spansFrom(spans, 260)).toEqual([{ from: 300, to: 400 }]);
  });

  it("plan the newest records first when asked for, then gaps, then back to the target", () => {
    expect(nextStretch([], 0, 0, 1000)).toEqual({ kind: "top", after: undefined, stopAt: 999 });
    const spans = [
      { from: 5000, to: 6000 },
      { from: 2000, to: 3000 },
    ];
    expect(nextStretch(spans, 10, 20, 1000)).toEqual({ kind: "top", after: undefined, stopAt: 6000 });
    expect(nextStretch(spans, 20, 20, 1000)).toEqual({ kind: "gap", after: 5001, stopAt: 3000 });
    expect(nextStretch([{ from: 2000, to: 6000 }], 20, 20, 1000)).toEqual({ kind: "bottom", after: 2001, stopAt: 999 });
    expect(nextStretch([{ from: 1000, to: 6000 }], 20, 20, 1000)).toBeUndefined();
  });

  it("claim from a page only what it proves: a full page stops above its oldest millisecond", () => {
    const page = { after: 5001, oldest: 4000, newest: 5000, askedAt: 9000 };
    expect(pageSpan(3000, { ...page, full: true })).toEqual({ from: 4001, to: 5000 });
    expect(pageSpan(3000, { ...page, full: false })).toEqual({ from: 3000, to: 5000 });
    const newest = { ...page, after: undefined };
    expect(pageSpan(999, { ...newest, full: true })).toEqual({ from: 4001, to: 4999 });
    expect(pageSpan(999, { ...newest, oldest: Number.NaN, newest: Number.NaN, full: false })).toEqual({ from: 999, to: 9000 });
    expect(pageSpan(999, { ...newest, oldest: 4000, newest: 4000, full: true })).toEqual({ from: 4000, to: 3999 });
  });
});
