import { describe, expect, it } from "vitest";
import { encodeBlock } from "../../src/domain/record-block.js";
import { DecodedBlocks } from "../../src/store/decoded-blocks.js";

const MONTH = Date.UTC(2026, 10, 1);
const HOUR_MS = 3600_000;
const line = { type: "2", ccy: "USDT", mgnMode: "cross", instId: "" };

/** A block of `hours` records, each hour's interest `interest`. */
function bytesOf(hours: number, interest = "0.0001"): Buffer {
  const records = Array.from({ length: hours }, (_, hour) => ({
    ...line,
    interest,
    interestRate: "0.000004",
    liab: "25",
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(MONTH + hour * HOUR_MS),
  }));
  return Buffer.from(encodeBlock(MONTH, records));
}

describe("decoded blocks", () => {
  it("reuse a decoded block while its bytes are the same, and decode again when they change", () => {
    const decoded = new DecodedBlocks();
    const first = decoded.decode("a", line, MONTH, bytesOf(3));
    expect(decoded.decode("a", line, MONTH, bytesOf(3))).toBe(first);
    const changed = decoded.decode("a", line, MONTH, bytesOf(3, "0.0002"));
    expect(changed).not.toBe(first);
    expect(changed.record(2).interest).toBe("0.0002");
    expect(decoded.decode("a", line, MONTH, bytesOf(4)).length).toBe(4);
  });

  it("keep no more records than their bound, the least recently read going first", () => {
    const decoded = new DecodedBlocks(10);
    const a = decoded.decode("a", line, MONTH, bytesOf(4));
    const b = decoded.decode("b", line, MONTH, bytesOf(4));
    expect(decoded.decode("a", line, MONTH, bytesOf(4))).toBe(a);
    decoded.decode("c", line, MONTH, bytesOf(4));
    expect(decoded.decode("a", line, MONTH, bytesOf(4))).toBe(a);
    expect(decoded.decode("b", line, MONTH, bytesOf(4))).not.toBe(b);
  });

  it("do not keep the buffer they were given, which may be part of a larger reply", () => {
    const decoded = new DecodedBlocks();
    const reply = bytesOf(2);
    const block = decoded.decode("a", line, MONTH, reply);
    reply.fill(0);
    expect(block.record(1).interest).toBe("0.0001");
  });
});
