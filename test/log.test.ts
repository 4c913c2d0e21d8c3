import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { REDACT_PATHS } from "../src/log.js";

describe("log redaction", () => {
  it("hides secrets by field name, at the top level and nested, and OKX auth headers", () => {
    let written = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, sink);
    logger.info({ apiKey: "K-1", secret: "S-1", credentials: { passphrase: "P-1" }, request: { headers: { "ok-access-sign": "SIG" } } }, "x");
    logger.info({ err: { context: { token: "123:ABC" } } }, "y");
    for (const secret of ["K-1", "S-1", "P-1", "SIG", "123:ABC"]) expect(written).not.toContain(secret);
    expect(written.match(/\[redacted\]/g)).toHaveLength(5);
  });
});
