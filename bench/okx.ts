/**
 * bench:okx — a full year of one account (three currencies) fetched from the fake OKX, with one replica and
 * with two replicas sharing the account's limiter through Redis, and ccxt on the same work.
 *
 * The fake and the clients run with the same window (default 2000 ms, OKX's own; a smaller one makes the bench
 * shorter but leaves less room for jitter); the ratio to the ceiling does not depend on the scale.
 *
 * Options: --window-ms N (default 2000), --days N (default 365).
 */
import { parseArgs } from "node:util";
import ccxt from "ccxt";
import { HISTORY_DEPTH_MS, INTEREST_ACCRUED_PATH } from "../src/okx/interest-accrued.js";
import { DEFAULT_LINES, fakeAccount, HOUR_MS, startFakeOkx, type FakeOkx, type FakeOkxAccount } from "../test/support/fake-okx/index.js";
import { credentialsOf } from "../test/support/okx-harness.js";
import { startRedis } from "../test/support/redis-server.js";
import { runReplicas } from "../test/support/replicas.js";
import type { ReplicaJob } from "../test/support/okx-replica.js";

const { values } = parseArgs({ options: { "window-ms": { type: "string", default: "2000" }, days: { type: "string", default: "365" } } });
const windowMs = Number(values["window-ms"]);
const days = Number(values.days);
const REQUESTS_PER_WINDOW = 5;

interface RunFigures {
  pages: number;
  elapsedMs: number;
  ratio: number;
  rejected: number;
}

function figures(fake: FakeOkx, account: FakeOkxAccount, before: { served: number; rejected: number }, elapsedMs: number): RunFigures {
  const pages = fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length - before.served;
  const rejected = (fake.stats.byCode["50011"] ?? 0) - before.rejected;
  const ceilingPerMs = REQUESTS_PER_WINDOW / windowMs;
  return { pages, elapsedMs, ratio: Number((pages / elapsedMs / ceilingPerMs).toFixed(3)), rejected };
}

function snapshot(fake: FakeOkx, account: FakeOkxAccount) {
  return { served: fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length, rejected: fake.stats.byCode["50011"] ?? 0 };
}

async function ours(fake: FakeOkx, account: FakeOkxAccount, redisUrl: string, replicas: number, end: number): Promise<RunFigures> {
  const before = snapshot(fake, account);
  const since = end - Math.min(days * 24 * HOUR_MS, HISTORY_DEPTH_MS);
  const slice = Math.ceil((end + 1 - since) / replicas);
  const startAt = Date.now() + 2_000;
  const jobs: ReplicaJob[] = Array.from({ length: replicas }, (_, index) => ({
    redisUrl,
    prefix: `bench${replicas}:`,
    urls: fake.urls,
    credentials: credentialsOf(account),
    account: account.uid,
    windowMs,
    work: { since: Math.max(since, end + 1 - slice * (index + 1)), until: end + 1 - slice * index },
    startAt,
  }));
  const reports = await runReplicas(jobs);
  const elapsed = Math.max(...reports.map((report) => report.finishedAt)) - Math.min(...reports.map((report) => report.startedAt));
  return figures(fake, account, before, elapsed);
}

async function withCcxt(fake: FakeOkx, account: FakeOkxAccount, end: number): Promise<RunFigures> {
  // ccxt's own spacing for this endpoint (cost 4 × rateLimit 110 ms), scaled like the fake's window.
  const rateLimit = ((new ccxt.okx().rateLimit ?? 110) * windowMs) / 2000;
  const exchange = new ccxt.okx({ apiKey: account.apiKey, secret: account.secret, password: account.passphrase, rateLimit });
  exchange.urls.api = { rest: fake.urls.global };
  const before = snapshot(fake, account);
  const since = end - Math.min(days * 24 * HOUR_MS, HISTORY_DEPTH_MS);
  const started = Date.now();
  let after: string | undefined;
  for (;;) {
    let page: { ts: string }[];
    try {
      const response = (await exchange.privateGetAccountInterestAccrued({
        limit: "100",
        before: String(since - 1),
        ...(after ? { after } : {}),
      })) as {
        data: { ts: string }[];
      };
      page = response.data;
    } catch (error) {
      if (error instanceof ccxt.RateLimitExceeded) continue;
      throw error;
    }
    if (page.length < 100) break;
    after = String(Math.min(...page.map((record) => Number(record.ts))));
  }
  return figures(fake, account, before, Date.now() - started);
}

function print(label: string, run: RunFigures) {
  console.log(
    `${label.padEnd(12)} pages ${String(run.pages).padStart(4)}  elapsed ${(run.elapsedMs / 1000).toFixed(1).padStart(6)} s  ` +
      `ratio ${run.ratio.toFixed(3)}  50011 answers ${run.rejected}`,
  );
}

const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
const account = fakeAccount({ name: "bench", endTs: end, hours: days * 24, lines: DEFAULT_LINES });
const redis = await startRedis();
const fake = await startFakeOkx({ accounts: [account], windowMs });
console.log(
  `fake OKX: ${account.records.length} records (${new Set(account.records.map((record) => record.ccy)).size} currencies, ${days} days); ` +
    `limit ${REQUESTS_PER_WINDOW} per ${windowMs} ms (OKX: 5 per 2000 ms)`,
);
try {
  const replicas1 = await ours(fake, account, redis.url, 1, end);
  print("1 replica", replicas1);
  const replicas2 = await ours(fake, account, redis.url, 2, end);
  print("2 replicas", replicas2);
  const ccxtRun = await withCcxt(fake, account, end);
  print("ccxt", ccxtRun);
  const pick = ({ ratio, rejected }: RunFigures) => ({ ratio, rejected });
  console.log(JSON.stringify({ bench: "okx", replicas1: pick(replicas1), replicas2: pick(replicas2), ccxt: pick(ccxtRun) }));
} finally {
  await fake.close();
  await redis.stop();
}
