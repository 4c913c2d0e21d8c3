import { describe, expect, it } from "vitest";
import ccxt from "ccxt";
import { okxTimestamp, prehash, queryString, sign } from "../../src/okx/sign.js";

const SECRET = "22582BD0CFF14C41EDBF1AB98506286D";
const TIMESTAMP = "2020-12-08T09:08:57.715Z";

describe("OKX v5 signing", () => {
  it("matches HMAC-SHA256 vectors computed independently", () => {
    expect(sign(SECRET, TIMESTAMP, "GET", "/api/v5/account/interest-accrued?ccy=USDT&limit=100")).toBe(
      "JTu62Ta9OU2q2MRiwXVHg3Vg5XM+oVurnPpnzB93C1U=",
    );
    expect(sign(SECRET, TIMESTAMP, "get", "/api/v5/account/config")).toBe("Kr/8IrbDYujS4cg2KkmB+tO2HMUXxyayG6ZwNb4H/yA=");
  });

  it("signs timestamp + upper-case method + path with query + body", () => {
    expect(prehash(TIMESTAMP, "get", "/api/v5/x?a=1", "")).toBe(`${TIMESTAMP}GET/api/v5/x?a=1`);
  });

  it("agrees with ccxt's OKX signer on the same request", () => {
    const exchange = new ccxt.okx({ apiKey: "k", secret: SECRET, password: "p" });
    const path = "account/interest-accrued";
    const params = { ccy: "USDT", limit: "100" };
    const originalIso = exchange.iso8601.bind(exchange);
    exchange.iso8601 = () => TIMESTAMP;
    const signed = exchange.sign(path, "private", "GET", params) as { headers: Record<string, string>; url: string };
    exchange.iso8601 = originalIso;
    const requestPath = `/api/v5/${path}${queryString(params)}`;
    expect(signed.url.endsWith(requestPath)).toBe(true);
    expect(signed.headers["OK-ACCESS-SIGN"]).toBe(sign(SECRET, TIMESTAMP, "GET", requestPath));
  });

  it("writes timestamps as ISO 8601 UTC with milliseconds", () => {
    expect(okxTimestamp(Date.UTC(2020, 11, 8, 9, 8, 57, 715))).toBe(TIMESTAMP);
    expect(okxTimestamp(Date.UTC(2021, 0, 1))).toBe("2021-01-01T00:00:00.000Z");
  });

  it("builds the query once, in the given order, leaving out empty values", () => {
    expect(queryString({ ccy: "USDT", instId: undefined, mgnMode: "", after: "1637312400000", limit: "100" })).toBe(
      "?ccy=USDT&after=1637312400000&limit=100",
    );
    expect(queryString({})).toBe("");
    expect(queryString({ instId: "BTC-USDT" })).toBe("?instId=BTC-USDT");
  });
});
