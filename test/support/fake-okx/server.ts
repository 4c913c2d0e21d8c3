import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { InterestRecord } from "../../../src/domain/interest-record.js";
import { Decimal } from "../../../src/domain/money.js";
import { REGIONS, type Region } from "../../../src/domain/api-key.js";
import { sign } from "../../../src/okx/sign.js";

export interface FakeOkxAccount {
  uid: string;
  apiKey: string;
  secret: string;
  passphrase: string;
  /** A demo-trading key, valid only with `x-simulated-trading: 1`. */
  demo: boolean;
  region: Region;
  label: string;
  /** Comma-separated, as OKX writes it: `read_only`, `read_only,trade`, ... */
  perm: string;
  /** IP whitelist, comma-separated; empty: any address. */
  ip: string;
  /** Newest first. */
  records: InterestRecord[];
}

/** A failure the next private requests meet, instead of their normal answer. */
export type Fault =
  | { kind: "http-500" }
  | { kind: "unavailable" }
  | { kind: "busy" }
  | { kind: "html-502" }
  | { kind: "slow"; ms: number }
  | { kind: "drop" }
  | { kind: "wrong-environment" };

/**
 * OKX documents `before` as "records newer than" but not which of them a page holds when more than `limit`
 * qualify, nor their order; each reading is one plausible answer, so callers can be tested under all of them.
 * - `newest-first`: the newest `limit`, newest first.
 * - `nearest-oldest-first`: the `limit` just above `before`, oldest first.
 * - `nearest-newest-first`: the `limit` just above `before`, newest first.
 * Requests without `before` always get the newest `limit`, newest first, as documented for `after`.
 */
export type BeforeReading = "newest-first" | "nearest-oldest-first" | "nearest-newest-first";
export const BEFORE_READINGS: readonly BeforeReading[] = ["newest-first", "nearest-oldest-first", "nearest-newest-first"];

export interface FakeOkxOptions {
  accounts: FakeOkxAccount[];
  /** OKX: 5 requests per 2 s per user ID and endpoint. May be scaled down for benchmarks. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** How far the fake's clock runs ahead of this machine's. */
  clockSkewMs?: number;
  /** Which page a request with `before` gets; `newest-first` by default. */
  beforeReading?: BeforeReading;
}

export interface FakeOkxStats {
  requests: number;
  /** Answers by OKX code (`0` for success). */
  byCode: Record<string, number>;
}

export interface FakeOkx {
  urls: Record<Region, string>;
  stats: FakeOkxStats;
  /** Arrival times of the requests that were served, per account and path. */
  servedAt(uid: string, path: string): number[];
  /** The most requests served for one account and path within any window of `windowMs`. */
  busiestWindow(uid: string, path: string, windowMs?: number): number;
  inject(fault: Fault, count?: number): void;
  setClockSkew(ms: number): void;
  setBeforeReading(reading: BeforeReading): void;
  account(uid: string): FakeOkxAccount;
  /**
   * Writes one line's accrual for the hour `ts` at an hourly rate, as OKX does after each hour (replacing
   * any record of that line and hour): a newer hour than the account holds makes a rate jump or fall.
   */
  accrue(uid: string, line: Pick<InterestRecord, "ccy" | "mgnMode" | "instId">, accrual: { ts: number; hourlyRate: string; liability: string }): void;
  close(): Promise<void>;
}

interface OkxAnswer {
  status: number;
  body: { code: string; msg: string; data?: unknown[] };
}

const ok = (data: unknown[]): OkxAnswer => ({ status: 200, body: { code: "0", msg: "", data } });
/** OKX's authentication and rate-limit errors come without `data`. */
const fail = (status: number, code: string, msg: string): OkxAnswer => ({ status, body: { code, msg } });
const badParam = (name: string): OkxAnswer => ({ status: 200, body: { code: "51000", msg: `Parameter ${name} error`, data: [] } });

const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const API_KEY_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_SKEW_MS = 30_000;

/** The index of the first record older than `ts` in records held newest first. */
function firstOlderThan(records: readonly InterestRecord[], ts: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (Number(records[middle]!.ts) >= ts) low = middle + 1;
    else high = middle;
  }
  return low;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A local OKX: one HTTP server per region, checking every request as OKX does (headers, timestamp window,
 * key, environment, passphrase, signature over the exact path and query received, IP whitelist), limiting
 * each account to `requestsPerWindow` in any sliding `windowMs` per endpoint, and paging like OKX.
 */
export async function startFakeOkx(options: FakeOkxOptions): Promise<FakeOkx> {
  const requestsPerWindow = options.requestsPerWindow ?? 5;
  const windowMs = options.windowMs ?? 2000;
  let clockSkewMs = options.clockSkewMs ?? 0;
  let beforeReading = options.beforeReading ?? "newest-first";
  const accounts = new Map(options.accounts.map((account) => [account.apiKey, account]));
  const served = new Map<string, number[]>();
  const faults: Fault[] = [];
  const stats: FakeOkxStats = { requests: 0, byCode: {} };

  function authenticate(req: IncomingMessage, region: Region, requestPath: string): FakeOkxAccount | OkxAnswer {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : undefined;
    };
    const apiKey = header("ok-access-key");
    const signature = header("ok-access-sign");
    const timestamp = header("ok-access-timestamp");
    const passphrase = header("ok-access-passphrase");
    if (!apiKey) return fail(401, "50103", 'Request header "OK-ACCESS-KEY" cannot be empty.');
    if (!signature) return fail(401, "50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.');
    if (!timestamp) return fail(401, "50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.');
    if (!passphrase) return fail(401, "50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.');
    const sentAt = Date.parse(timestamp);
    if (!TIMESTAMP_FORMAT.test(timestamp) || Number.isNaN(sentAt)) return fail(401, "50112", "Invalid OK-ACCESS-TIMESTAMP");
    if (Math.abs(Date.now() + clockSkewMs - sentAt) > MAX_SKEW_MS) return fail(401, "50102", "Timestamp request expired");

    const account = accounts.get(apiKey);
    if (account === undefined || !API_KEY_FORMAT.test(apiKey)) return fail(401, "50111", "Invalid OK-ACCESS-KEY");
    if (account.region !== region) return fail(401, "50119", "API key doesn't exist");
    if ((header("x-simulated-trading") === "1") !== account.demo) {
      return fail(401, "50101", "APIKey does not match current environment.");
    }
    if (!safeEqual(passphrase, account.passphrase)) {
      return fail(401, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.');
    }
    if (!safeEqual(signature, sign(account.secret, timestamp, req.method ?? "GET", requestPath))) {
      return fail(401, "50113", "Invalid Sign");
    }
    const callerIp = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    const whitelist = account.ip.split(",").filter(Boolean);
    if (whitelist.length > 0 && !whitelist.includes(callerIp)) {
      return fail(401, "50110", `Your IP ${callerIp} is not included in your API key's IP whitelist.`);
    }
    return account;
  }

  /** Sliding window: the requests served in the last `windowMs`, per account and endpoint. */
  function admit(uid: string, path: string, now: number): boolean {
    const key = `${uid} ${path}`;
    const times = served.get(key) ?? [];
    const recent = times.filter((time) => now - time < windowMs).length;
    if (recent >= requestsPerWindow) return false;
    times.push(now);
    served.set(key, times);
    return true;
  }

  function interestAccrued(account: FakeOkxAccount, query: URLSearchParams): OkxAnswer {
    const type = query.get("type");
    const ccy = query.get("ccy");
    const instId = query.get("instId");
    const mgnMode = query.get("mgnMode");
    const after = query.get("after");
    const before = query.get("before");
    const limitText = query.get("limit") ?? "100";
    if (type !== null && type !== "2") return badParam("type");
    if (mgnMode !== null && mgnMode !== "cross" && mgnMode !== "isolated") return badParam("mgnMode");
    if (after !== null && !/^\d+$/.test(after)) return badParam("after");
    if (before !== null && !/^\d+$/.test(before)) return badParam("before");
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) return badParam("limit");

    // The account holds records newest first, so `matching` is newest first too. The window's ends are
    // found by halving (a year is 35,000 records: scanning them all took milliseconds a request).
    const records = account.records;
    const start = after === null ? 0 : firstOlderThan(records, Number(after));
    const end = before === null ? records.length : firstOlderThan(records, Number(before) + 1);
    const wanted = (record: InterestRecord) =>
      (ccy === null || record.ccy === ccy) && (instId === null || record.instId === instId) && (mgnMode === null || record.mgnMode === mgnMode);
    const newestFirst = before === null || beforeReading === "newest-first";
    const matching: InterestRecord[] = [];
    for (let index = start; index < end && !(newestFirst && matching.length === limit); index++)
      if (wanted(records[index]!)) matching.push(records[index]!);
    if (newestFirst) return ok(matching);
    const nearest = matching.slice(-limit);
    return ok(beforeReading === "nearest-oldest-first" ? nearest.reverse() : nearest);
  }

  function accountConfig(account: FakeOkxAccount): OkxAnswer {
    return ok([
      {
        uid: account.uid,
        mainUid: account.uid,
        acctLv: "2",
        posMode: "net_mode",
        autoLoan: false,
        label: account.label,
        perm: account.perm,
        ip: account.ip,
        level: "Lv1",
        roleType: "0",
        type: "0",
      },
    ]);
  }

  async function answerPrivate(req: IncomingMessage, res: ServerResponse, region: Region, url: URL): Promise<OkxAnswer | undefined> {
    const auth = authenticate(req, region, url.pathname + url.search);
    if (!("uid" in auth)) return auth;
    const fault = faults.shift();
    switch (fault?.kind) {
      case "http-500":
        return fail(500, "50026", "System error. Try again later");
      case "unavailable":
        return fail(503, "50001", "Service temporarily unavailable. Try again later");
      case "busy":
        return fail(429, "50013", "Systems are busy. Please try again later.");
      case "wrong-environment":
        return fail(401, "50101", "APIKey does not match current environment.");
      case "html-502":
        res.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
        return undefined;
      case "drop":
        req.socket.destroy();
        return undefined;
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      case undefined:
        break;
    }
    if (!admit(auth.uid, url.pathname, Date.now())) return fail(429, "50011", "Too Many Requests");
    if (url.pathname === "/api/v5/account/interest-accrued") {
      if (!auth.perm.split(",").includes("read_only")) {
        return fail(401, "50120", "This API key doesn't have permission to use this function");
      }
      return interestAccrued(auth, url.searchParams);
    }
    return accountConfig(auth);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, region: Region): Promise<void> {
    stats.requests++;
    const url = new URL(req.url ?? "/", "http://fake-okx");
    let answer: OkxAnswer | undefined;
    if (req.method !== "GET") {
      answer = fail(405, "50115", "Invalid request method");
    } else if (url.pathname === "/api/v5/public/time") {
      answer = ok([{ ts: String(Date.now() + clockSkewMs) }]);
    } else if (url.pathname === "/api/v5/account/interest-accrued" || url.pathname === "/api/v5/account/config") {
      answer = await answerPrivate(req, res, region, url);
    } else {
      answer = { status: 404, body: { code: "404", msg: "Not Found" } };
    }
    if (answer === undefined) return;
    stats.byCode[answer.body.code] = (stats.byCode[answer.body.code] ?? 0) + 1;
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  }

  const servers: Server[] = [];
  const urls = {} as Record<Region, string>;
  for (const region of REGIONS) {
    const server = createServer((req, res) => {
      handle(req, res, region).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    urls[region] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.push(server);
  }

  function accountOf(uid: string): FakeOkxAccount {
    const found = [...accounts.values()].find((account) => account.uid === uid);
    if (found === undefined) throw new Error(`no fake account ${uid}`);
    return found;
  }

  return {
    urls,
    stats,
    servedAt: (uid, path) => [...(served.get(`${uid} ${path}`) ?? [])],
    busiestWindow(uid, path, window = windowMs) {
      const times = served.get(`${uid} ${path}`) ?? [];
      let busiest = 0;
      for (let start = 0, end = 0; end < times.length; end++) {
        while (times[end]! - times[start]! >= window) start++;
        busiest = Math.max(busiest, end - start + 1);
      }
      return busiest;
    },
    inject(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    setClockSkew(ms) {
      clockSkewMs = ms;
    },
    setBeforeReading(reading) {
      beforeReading = reading;
    },
    account: accountOf,
    accrue(uid, line, accrual) {
      const account = accountOf(uid);
      const liab = new Decimal(accrual.liability);
      const record: InterestRecord = {
        type: "2",
        ...line,
        interest: liab.times(accrual.hourlyRate).toDecimalPlaces(16).toFixed(),
        interestRate: new Decimal(accrual.hourlyRate).toFixed(),
        liab: liab.toFixed(),
        totalLiab: "",
        interestFreeLiab: "",
        ts: String(accrual.ts),
      };
      const same = (held: InterestRecord) =>
        held.ts === record.ts && held.ccy === line.ccy && held.mgnMode === line.mgnMode && held.instId === line.instId;
      const kept = account.records.filter((held) => !same(held));
      // Newest first, as the account holds them.
      const at = kept.findIndex((held) => Number(held.ts) <= accrual.ts);
      kept.splice(at < 0 ? kept.length : at, 0, record);
      account.records = kept;
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
