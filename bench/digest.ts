/**
 * bench:digest — N users (10,000 by default) whose daily digests fall due in the same minute: the same
 * instant is a different local time in each of six zones, each user's BullMQ job scheduler set in their
 * own zone. Two worker processes (as two bot replicas run them) share the queue and the send pace through
 * a private Redis, against the fake OKX and the fake Bot API enforcing Telegram's 30 messages a second.
 * Run twice: both workers throughout, then one killed (SIGKILL) when half the digests are out.
 *
 * Prints the delivered rate as a ratio of the 30/s ceiling (digests ÷ seconds from the due minute to the
 * last digest ÷ 30), the time until the last digest, duplicates and misses. Option: --users N.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { DEFAULT_DIGEST } from "../src/domain/digest.js";
import type { InterestRecord } from "../src/domain/interest-record.js";
import { wallClock } from "../src/domain/time.js";
import { digestHarness } from "../test/support/digest-harness.js";
import type { DigestReplicaJob } from "../test/support/digest-replica.js";
import { fakeAccount, HOUR_MS, startFakeOkx } from "../test/support/fake-okx/index.js";
import { startFakeTelegram } from "../test/support/fake-telegram/index.js";
import { startRedis } from "../test/support/redis-server.js";
import { inBatches, startWorkerProcess, stopWorkerProcesses } from "../test/support/worker-process.js";

const { values } = parseArgs({ options: { users: { type: "string", default: "10000" } } });
const USERS = Number(values.users);
const CEILING = 30;
const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney", "Asia/Kolkata", "UTC"];
const REPLICA = fileURLToPath(new URL("../test/support/digest-replica.ts", import.meta.url));
/** Digests a second across both workers and prepared at once by each: the bot's defaults. */
const PER_SECOND = 29;
const CONCURRENCY = 32;
/** A run ends when every user has a digest, or when nothing more arrives for this long (a dead worker's jobs take ~60 s to be taken over). */
const QUIET_END_MS = 120_000;

interface RunResult {
  ratio: number;
  lastS: number;
  delivered: number;
  duplicates: number;
  misses: number;
  rejected: number;
}

/** A month and a half of one cross-margin USDT loan, one accrual a day: one OKX page per user. */
function sharedRecords(): InterestRecord[] {
  const newest = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  return Array.from({ length: 45 }, (_, day) => ({
    type: "2",
    ccy: "USDT",
    instId: "",
    mgnMode: "cross",
    interest: (0.2 + ((day * 37) % 10) / 100).toFixed(4),
    interestRate: "0.0000040833",
    liab: "2500",
    totalLiab: "",
    interestFreeLiab: "",
    ts: String(newest - day * 24 * HOUR_MS),
  }));
}

async function runOnce(redisUrl: string, killOne: boolean): Promise<RunResult> {
  const label = killOne ? "one worker killed mid-run" : "two workers";
  const prefix = `bd${randomBytes(3).toString("hex")}:`;
  const masterKey = randomBytes(32).toString("base64");
  const records = sharedRecords();
  const userIds = Array.from({ length: USERS }, (_, index) => 100_000 + index);
  const accounts = userIds.map((id) => fakeAccount({ name: `bench-${prefix}${id}`, records }));
  const okx = await startFakeOkx({ accounts });
  const telegram = await startFakeTelegram({ messagesPerSecond: CEILING });
  const redis = new Redis(redisUrl);
  const setup = digestHarness({ redis, prefix, okxUrls: okx.urls, telegram, masterKey });
  const replicas: ChildProcess[] = [];
  try {
    const setupStarted = Date.now();
    await inBatches(userIds, 250, async (id) => {
      const index = id - userIds[0]!;
      telegram.sendText(telegram.user(id), "/start");
      await setup.connect(id, accounts[index]!);
      await setup.preferences.setTimeZone(id, ZONES[index % ZONES.length]!);
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

    // The next minute far enough away to set every schedule first (about 4 ms each), as each zone's clock shows it.
    const dueAt = Math.ceil((Date.now() + 20_000 + USERS * 4) / 60_000) * 60_000;
    await inBatches(userIds, 100, async (id) => {
      const zone = ZONES[(id - userIds[0]!) % ZONES.length]!;
      const { hour, minute } = wallClock(dueAt, zone);
      const settings = { ...DEFAULT_DIGEST, on: true, hour, minute };
      await setup.preferences.setDigest(id, settings);
      await setup.dependencies.schedule.apply(id, settings, zone);
    });
    if (Date.now() > dueAt - 1_000) throw new Error("setting up took past the due minute: try fewer --users");
    console.log(
      `${label}: ${USERS} users in ${ZONES.length} zones set up in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s; due at ${new Date(dueAt).toISOString()}`,
    );

    let killedAt: number | undefined;
    let lastCount = 0;
    let lastChange = Date.now();
    let lastReport = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const delivered = telegram.stats().delivered;
      if (delivered !== lastCount) {
        lastCount = delivered;
        lastChange = Date.now();
      }
      if (killOne && killedAt === undefined && delivered >= USERS / 2) {
        replicas[0]!.kill("SIGKILL");
        killedAt = Date.now();
        console.log(`${label}: killed one worker (SIGKILL) after ${delivered} digests`);
      }
      if (Date.now() - lastReport >= 15_000) {
        lastReport = Date.now();
        const sinceDue = Math.max(0.001, (Date.now() - dueAt) / 1000);
        console.log(
          `${label}: ${delivered} digests ${sinceDue.toFixed(0)} s after the due minute (${(delivered / sinceDue).toFixed(1)}/s), ${telegram.stats().rejected} answered 429`,
        );
      }
      const reached = new Set(
        telegram
          .calls("sendMessage")
          .filter((call) => call.response?.ok === true)
          .map((call) => call.params.chat_id),
      ).size;
      if (reached >= USERS && Date.now() - lastChange > 3_000) break;
      if (Date.now() - lastChange > QUIET_END_MS && Date.now() > dueAt) break;
    }

    const sends = telegram.calls("sendMessage").filter((call) => call.response?.ok === true);
    const perUser = new Map<unknown, number>();
    for (const call of sends) perUser.set(call.params.chat_id, (perUser.get(call.params.chat_id) ?? 0) + 1);
    const lastAt = Math.max(...sends.map((call) => call.time));
    const lastS = (lastAt - dueAt) / 1000;
    const result: RunResult = {
      ratio: Math.round((sends.length / lastS / CEILING) * 1000) / 1000,
      lastS: Math.round(lastS * 10) / 10,
      delivered: sends.length,
      duplicates: [...perUser.values()].reduce((sum, count) => sum + count - 1, 0),
      misses: userIds.filter((id) => !perUser.has(id)).length,
      rejected: telegram.stats().rejected,
    };
    console.log(
      `${label}: ${result.delivered} digests, the last ${result.lastS} s after the due minute: ${(result.delivered / lastS).toFixed(2)}/s = ratio ${result.ratio} of ${CEILING}/s; ` +
        `duplicates ${result.duplicates}, misses ${result.misses}, 429 answers ${result.rejected}; busiest second ${telegram.stats().busiestSecond}`,
    );
    return result;
  } finally {
    await stopWorkerProcesses(replicas);
    await setup.queue.obliterate({ force: true }).catch(() => undefined);
    await setup.close();
    await redis.quit();
    await telegram.close();
    await okx.close();
  }
}

const server = await startRedis();
try {
  const plain = await runOnce(server.url, false);
  const killed = await runOnce(server.url, true);
  console.log(
    JSON.stringify({
      bench: "digest",
      users: USERS,
      ratio: plain.ratio,
      duplicates: plain.duplicates,
      misses: plain.misses,
      killed: { ratio: killed.ratio, duplicates: killed.duplicates, misses: killed.misses },
    }),
  );
} finally {
  await server.stop();
}
