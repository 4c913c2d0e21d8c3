/**
 * bench:alerts — N accounts (10,000 by default), one Telegram user each with a yearly-rate rule, whose
 * newest hour appears on OKX at once. Each account's week before it is seeded straight into the cache, so
 * the hour's check is one OKX request per account. Two worker processes (as two bot replicas run them)
 * share the queue and the send pace through a private Redis, against the fake OKX (5 requests per 2 s per
 * account, OKX's own limit) and the fake Bot API enforcing Telegram's 30 messages a second; one account in
 * ten crosses its level at the newest hour.
 *
 * Prints, as it goes, how many accounts are checked and alerts sent; then the time from the hour's job to
 * the last account checked, the alerts sent, duplicates (a second message to one person) and misses (a
 * crossing without its alert, or an account not checked), and OKX requests per account. Three runs; the
 * last line is the median run. Options: --accounts N, --runs N.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import type { InterestRecord } from "../src/domain/interest-record.js";
import { HISTORY_DEPTH_MS, INTEREST_ACCRUED_PATH } from "../src/okx/interest-accrued.js";
import { alertHarness } from "../test/support/alert-harness.js";
import type { DigestReplicaJob } from "../test/support/digest-replica.js";
import { fakeAccount, HOUR_MS, startFakeOkx } from "../test/support/fake-okx/index.js";
import { startFakeTelegram } from "../test/support/fake-telegram/index.js";
import { startRedis } from "../test/support/redis-server.js";
import { inBatches, startWorkerProcess, stopWorkerProcesses } from "../test/support/worker-process.js";

const { values } = parseArgs({ options: { accounts: { type: "string", default: "10000" }, runs: { type: "string", default: "3" } } });
const ACCOUNTS = Number(values.accounts);
const RUNS = Number(values.runs);
const CEILING = 30;
const REPLICA = fileURLToPath(new URL("../test/support/alert-replica.ts", import.meta.url));
/** The bot's defaults: sends a second across both workers, checks run at once by each. */
const PER_SECOND = 29;
const CONCURRENCY = 32;
/** A run ends once every account is checked and every alert is in, or when nothing moves for this long. */
const QUIET_END_MS = 120_000;
const CALM = "0.000004";
const SQUEEZE = "0.00005";
const LINE = { type: "2", ccy: "USDT", mgnMode: "cross", instId: "", liab: "2500", totalLiab: "", interestFreeLiab: "" };

interface RunResult {
  checkedWithinS: number;
  alerts: number;
  duplicates: number;
  misses: number;
  requestsPerAccount: number;
}

/** A week of hourly accruals of one USDT loan, newest first, the newest hour at `newestRate`. */
function week(newest: number, newestRate: string): InterestRecord[] {
  return Array.from({ length: 24 * 7 + 1 }, (_, hour) => {
    const interestRate = hour === 0 ? newestRate : CALM;
    return { ...LINE, interest: (2500 * Number(interestRate)).toFixed(8), interestRate, ts: String(newest - hour * HOUR_MS) };
  });
}

async function runOnce(redisUrl: string, run: number): Promise<RunResult> {
  const label = `run ${run}`;
  const prefix = `ba${randomBytes(3).toString("hex")}:`;
  const masterKey = randomBytes(32).toString("base64");
  // The last whole hour: its accruals are what appears at once.
  const newest = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const userIds = Array.from({ length: ACCOUNTS }, (_, index) => 200_000 + index);
  const crossing = new Set(userIds.filter((_, index) => index % 10 === 0));
  const calmWeek = week(newest, CALM);
  const squeezeWeek = week(newest, SQUEEZE);
  const accounts = userIds.map((id) => fakeAccount({ name: `bench-${prefix}${id}`, records: crossing.has(id) ? squeezeWeek : calmWeek }));
  const okx = await startFakeOkx({ accounts });
  const telegram = await startFakeTelegram({ messagesPerSecond: CEILING });
  const redis = new Redis(redisUrl);
  const setup = alertHarness({ redis, prefix, okxUrls: okx.urls, telegram, masterKey });
  const replicas: ChildProcess[] = [];
  try {
    const setupStarted = Date.now();
    // Everything but the newest hour, held as a walk saves it (all there is back to OKX's year, so no walk
    // goes on down), asked for before the hour's check is due.
    const held = calmWeek.slice(1);
    const seededAt = Date.now();
    const span = { from: seededAt - HISTORY_DEPTH_MS - 24 * HOUR_MS, to: newest - 1 };
    await inBatches(userIds, 250, async (id) => {
      const account = accounts[id - userIds[0]!]!;
      telegram.sendText(telegram.user(id), "/start");
      await setup.connect(id, account);
      await setup.alerts.settings.set(id, { rules: [{ kind: "yearly", level: "0.2" }], locale: "en" });
      const lease = { token: `seed-${id}`, leaseMs: 60_000 };
      await setup.cache.takeLease(account.uid, lease.token, lease.leaseMs);
      await setup.cache.savePage(account.uid, lease, held, span, seededAt);
      await setup.cache.releaseLease(account.uid, lease.token);
    });
    const job: DigestReplicaJob = {
      redisUrl,
      prefix,
      okxUrls: okx.urls,
      telegram: { token: telegram.token, apiRoot: telegram.apiRoot },
      masterKey,
      perSecond: PER_SECOND,
      concurrency: CONCURRENCY,
    };
    replicas.push(...(await Promise.all([startWorkerProcess(REPLICA, job), startWorkerProcess(REPLICA, job)])));
    console.log(`${label}: ${ACCOUNTS} accounts, a week each in the cache, set up in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

    // The hour's job, as the scheduler adds it five minutes past the hour.
    const dueAt = Date.now();
    await setup.alertQueue.add("hour", { kind: "hour" }, { jobId: `hour-${dueAt}` });
    const pending = new Set(userIds);
    let checkedAt = dueAt;
    let lastChange = Date.now();
    let lastReport = Date.now();
    let lastSent = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const left = [...pending];
      const hours = await Promise.all(left.map((id) => setup.alerts.state.account(id, accounts[id - userIds[0]!]!.uid)));
      left.forEach((id, index) => {
        if (hours[index]!.hour < newest) return;
        pending.delete(id);
        checkedAt = Date.now();
        lastChange = Date.now();
      });
      const sent = telegram.stats().delivered;
      if (sent !== lastSent) {
        lastSent = sent;
        lastChange = Date.now();
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        console.log(
          `${label}: ${ACCOUNTS - pending.size} accounts checked, ${sent} alerts sent, ${((Date.now() - dueAt) / 1000).toFixed(0)} s after the hour's job`,
        );
      }
      if (pending.size === 0 && sent >= crossing.size && Date.now() - lastChange > 3_000) break;
      if (Date.now() - lastChange > QUIET_END_MS) break;
    }

    const sends = telegram.calls("sendMessage").filter((call) => call.response?.ok === true);
    const perUser = new Map<unknown, number>();
    for (const call of sends) perUser.set(call.params.chat_id, (perUser.get(call.params.chat_id) ?? 0) + 1);
    const requests = accounts.reduce((sum, account) => sum + okx.servedAt(account.uid, INTEREST_ACCRUED_PATH).length, 0);
    const result: RunResult = {
      checkedWithinS: Math.round((checkedAt - dueAt) / 100) / 10,
      alerts: sends.length,
      duplicates: [...perUser.values()].reduce((sum, count) => sum + count - 1, 0),
      misses: [...crossing].filter((id) => !perUser.has(id)).length + pending.size,
      requestsPerAccount: Math.round((requests / ACCOUNTS) * 1000) / 1000,
    };
    const wrong = sends.filter((call) => !crossing.has(call.params.chat_id as number)).length;
    console.log(
      `${label}: every account checked ${result.checkedWithinS} s after the hour's job (${pending.size} not checked); ${result.alerts} alerts ` +
        `(${crossing.size} crossings, ${wrong} to accounts that did not cross), duplicates ${result.duplicates}, misses ${result.misses}; ` +
        `${result.requestsPerAccount} OKX requests per account; busiest second ${telegram.stats().busiestSecond} messages`,
    );
    return { ...result, misses: result.misses + wrong };
  } finally {
    await stopWorkerProcesses(replicas);
    await setup.alertQueue.obliterate({ force: true }).catch(() => undefined);
    await setup.close();
    await redis.quit();
    await telegram.close();
    await okx.close();
  }
}

const server = await startRedis();
try {
  const results: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) results.push(await runOnce(server.url, run));
  const median = [...results].sort((a, b) => a.checkedWithinS - b.checkedWithinS)[Math.floor(results.length / 2)]!;
  console.log(`runs: every account checked within ${results.map((result) => result.checkedWithinS).join(", ")} s; median ${median.checkedWithinS} s`);
  console.log(
    JSON.stringify({
      bench: "alerts",
      accounts: ACCOUNTS,
      checkedWithinS: median.checkedWithinS,
      alerts: median.alerts,
      duplicates: Math.max(...results.map((result) => result.duplicates)),
      misses: Math.max(...results.map((result) => result.misses)),
    }),
  );
} finally {
  await server.stop();
}
