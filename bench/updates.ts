/**
 * bench:updates — how many cheap updates one bot replica handles per second in webhook mode, and two.
 *
 * The bot runs as `npm start` runs it (a separate process per replica, configured only through its
 * environment) against the fake Bot API and a private Redis. This process plays Telegram's webhook
 * delivery: it posts `/help` updates from many users straight to the replicas' webhooks (alternating
 * between them, as a load balancer would), keeping a fixed number of updates unanswered at once, hands
 * what a webhook answer carries to the fake Bot API (as Telegram performs it), and counts an update handled
 * when the bot's reply reaches the fake Bot API, by either way. Latency is from the post to that reply. The Telegram throttle is off (`TELEGRAM_MAX_PER_SECOND=0`): real Telegram holds a bot to
 * about 30 messages a second in all, so this measures the bot's own capacity, not Telegram's.
 *
 * Then cached `/interest` questions (each one incremental OKX request at OKX's real limit, per account).
 *
 * Then cheap updates under charts: `/help` at a steady pace (not flat out) while four one-year charts are
 * asked for a second, each from a chat of its own (one chat's updates are handled one at a time, and four a
 * second from one person would trip the flood guard). The year is in the cache already, as for anyone
 * who asked before. `p99UnderChartsMs` is the p99 of those `/help` updates, post to reply.
 *
 * Options: --updates N per run (default 20000), --window N unanswered at once (default 64), --users N,
 * --paced-per-second N and --paced-seconds N for the run under charts (default 100 for 15 s; each `/help`
 * comes from a user of its own, so at most --users in all).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { InterestCache } from "../src/store/interest-cache.js";
import { startBalancer } from "../test/support/balancer.js";
import { startBotProcess, type BotProcess } from "../test/support/bot-process.js";
import { fillCache } from "../test/support/cache.js";
import { chatWith } from "../test/support/chat.js";
import { connect } from "../test/support/e2e.js";
import { DEFAULT_LINES, fakeAccount, startFakeOkx } from "../test/support/fake-okx/index.js";
import { startFakeTelegram, type ApiCall, type FakeTelegram, type FakeUser } from "../test/support/fake-telegram/index.js";
import { startRedis } from "../test/support/redis-server.js";

const { values } = parseArgs({
  options: {
    updates: { type: "string", default: "20000" },
    window: { type: "string", default: "64" },
    users: { type: "string", default: "2000" },
    "interest-users": { type: "string", default: "40" },
    "paced-per-second": { type: "string", default: "100" },
    "paced-seconds": { type: "string", default: "15" },
  },
});
const UPDATES = Number(values.updates);
const WINDOW = Number(values.window);
const USERS = Number(values.users);
const INTEREST_USERS = Number(values["interest-users"]);
const PACED_PER_SECOND = Number(values["paced-per-second"]);
const PACED_SECONDS = Number(values["paced-seconds"]);
/** One-year charts asked for a second, in all, while the paced `/help` run goes on. */
const CHARTS_PER_SECOND = 4;
const SECRET = "bench-updates";

function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
}

interface RunResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

let nextUpdateId = 50_000_000;

/** CPU time a process has used so far, ms (user + system; Linux `/proc`), or NaN where there is none. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** A text message from `user` in their private chat, as Telegram delivers it. */
function textUpdate(user: FakeUser, text: string) {
  const command = text.split(" ")[0]!;
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: "private", first_name: user.first_name },
      from: user,
      text,
      entities: [{ type: "bot_command", offset: 0, length: command.length }],
    },
  };
}

/**
 * Posts `update` to a replica's webhook over `agent` and resolves once it has answered 200. As Telegram does,
 * the fake Bot API performs a call the answer carries.
 */
function postUpdate(telegram: FakeTelegram, agent: Agent, replica: BotProcess, update: object): Promise<void> {
  const body = JSON.stringify(update);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${replica.httpUrl}/telegram/updates`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-telegram-bot-api-secret-token": SECRET },
      },
      (response) => {
        response.on("error", reject);
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`the webhook answered ${response.statusCode}`));
          telegram.runWebhookAnswer(Buffer.concat(chunks).toString("utf8"));
          resolve();
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Posts `count` updates to the replicas in turn with at most `window` unanswered, and resolves when every
 * one has its reply. Replies are matched to updates by chat: each user has at most one update unanswered.
 * It waits on the fake Bot API's calls as they come, so this driver spends little of the CPU it shares.
 */
function drive(
  telegram: FakeTelegram,
  replicas: BotProcess[],
  users: FakeUser[],
  texts: (user: FakeUser) => string,
  count: number,
  window: number,
): Promise<RunResult> {
  // Keep-alive connections, as Telegram keeps them to a webhook (up to its max_connections).
  const agent = new Agent({ keepAlive: true, maxSockets: window });
  const usersById = new Map(users.map((user) => [user.id, user]));
  const replies = replyLatencies();
  const idle = [...users];
  let nextIdle = 0;
  let posted = 0;
  let answered = 0;
  let turn = 0;
  const started = performance.now();
  let lastReport = started;

  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      stopListening();
      agent.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const fill = () => {
      while (posted < count && posted - answered < window && nextIdle < idle.length) {
        const user = idle[nextIdle++]!;
        posted++;
        replies.posted(user.id);
        postUpdate(telegram, agent, replicas[turn++ % replicas.length]!, textUpdate(user, texts(user))).catch(fail);
      }
    };
    const stopListening = telegram.onCall((call) => {
      const chatId = replies.answered(call);
      if (chatId === undefined) return;
      answered++;
      idle.push(usersById.get(chatId)!);
      const now = performance.now();
      if (now - lastReport > 2_000) {
        lastReport = now;
        console.log(`  ${answered} of ${count} answered, ${Math.round(answered / ((now - started) / 1000))} per second so far`);
      }
      if (answered < count) return fill();
      stopListening();
      agent.destroy();
      const seconds = (now - started) / 1000;
      resolve({ perSecond: Math.round(count / seconds), ...replies.percentiles() });
    });
    fill();
  });
}

/** Each post's latency to the bot's reply in its chat. */
function replyLatencies() {
  const postedAt = new Map<number, number>();
  const latencies: number[] = [];
  return {
    latencies,
    posted: (chatId: number) => postedAt.set(chatId, Date.now()),
    /** Posts still waiting for their reply. */
    waiting: () => postedAt.size,
    /** The chat a call replies in, its post's latency counted; undefined for a call that answers no post. */
    answered(call: ApiCall): number | undefined {
      if (call.method !== "sendMessage") return undefined;
      const chatId = Number(call.params.chat_id);
      const at = postedAt.get(chatId);
      if (at === undefined) return undefined;
      postedAt.delete(chatId);
      latencies.push(call.time - at);
      return chatId;
    },
    percentiles: () => ({ p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) }),
  };
}

/**
 * Posts `/help` at `perSecond` for `seconds`, each from the next of `users`, while `/chart 1y` goes to the
 * chart users in turn, `CHARTS_PER_SECOND` in all. Resolves with the `/help` latencies once every one is
 * answered, and how many charts were sent meanwhile.
 */
function underCharts(
  telegram: FakeTelegram,
  replica: BotProcess,
  users: FakeUser[],
  chartUsers: FakeUser[],
  perSecond: number,
  seconds: number,
): Promise<{ p50Ms: number; p99Ms: number; answered: number; charts: number }> {
  const total = perSecond * seconds;
  if (total > users.length) throw new Error(`${total} updates need as many users; there are ${users.length}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const replies = replyLatencies();
  let posted = 0;
  let charts = 0;
  let chartTurn = 0;
  const timers: NodeJS.Timeout[] = [];
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearInterval(timer);
      stopListening();
      agent.destroy();
      if (error !== undefined) return reject(error instanceof Error ? error : new Error("a post failed"));
      resolve({ ...replies.percentiles(), answered: replies.latencies.length, charts });
    };
    const stopListening = telegram.onCall((call) => {
      if (call.method === "sendPhoto") charts++;
      if (replies.answered(call) !== undefined && posted === total && replies.waiting() === 0) finish();
    });
    // Several posts a tick: timers are not precise enough for one every few milliseconds.
    const started = Date.now();
    const post = () => {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond));
      for (; posted < due; posted++) {
        const user = users[posted]!;
        replies.posted(user.id);
        postUpdate(telegram, agent, replica, textUpdate(user, "/help")).catch(finish);
      }
      if (posted === total) clearInterval(timers[0]);
    };
    const chart = () => {
      if (posted === total) return clearInterval(timers[1]);
      const user = chartUsers[chartTurn++ % chartUsers.length]!;
      // A chart's post cut off on a busy machine is not what is measured here.
      postUpdate(telegram, agent, replica, textUpdate(user, "/chart 1y")).catch(() => undefined);
    };
    timers.push(setInterval(post, 20), setInterval(chart, 1000 / CHARTS_PER_SECOND));
  });
}

const redis = await startRedis();
const telegram = await startFakeTelegram();
const interestAccounts = Array.from({ length: INTEREST_USERS }, (_, index) => fakeAccount({ name: `bench-${index}`, hours: 72 }));
// A year of hourly records in three currencies, the account the charts are drawn from.
const chartAccount = fakeAccount({ name: "bench-charts", hours: 365 * 24, lines: DEFAULT_LINES.slice(0, 3) });
const okx = await startFakeOkx({ accounts: [...interestAccounts, chartAccount] });
// What the fake Bot API delivers itself (the users' first messages, /connect) goes through a balancer.
const balancer = await startBalancer();
const env = {
  BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  OKX_BASE_URL: okx.urls.global,
  REDIS_URL: redis.url,
  REDIS_PREFIX: `bench${randomBytes(2).toString("hex")}:`,
  ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  WEBHOOK_URL: `${balancer.url}/telegram/updates`,
  WEBHOOK_SECRET: SECRET,
  TELEGRAM_MAX_PER_SECOND: "0",
};
const replicas: BotProcess[] = [await startBotProcess(env)];
balancer.setTargets(replicas.map((replica) => replica.httpUrl));
try {
  // People who have talked to the bot before: each sends /start through the fake Bot API first.
  const users = Array.from({ length: USERS }, (_, index) => telegram.user(7_000_000 + index, { first_name: "Bench", language_code: "en" }));
  for (const user of users) telegram.sendText(user, "/start");
  while (telegram.calls("sendMessage").length < USERS) await new Promise((resolve) => setTimeout(resolve, 50));
  await drive(telegram, replicas, users.slice(0, 200), () => "/help", 2_000, WINDOW);

  console.log(`one replica: ${UPDATES} × /help from ${USERS} users, ${WINDOW} unanswered at most`);
  const cpuBefore = { bot: cpuMs(replicas[0]!.child.pid), redis: cpuMs(redis.pid), here: cpuMs(process.pid) };
  const one = await drive(telegram, replicas, users, () => "/help", UPDATES, WINDOW);
  const cpuPerUpdate = (cpuMs(replicas[0]!.child.pid) - cpuBefore.bot) / UPDATES;
  const redisPerUpdate = (cpuMs(redis.pid) - cpuBefore.redis) / UPDATES;
  const herePerUpdate = (cpuMs(process.pid) - cpuBefore.here) / UPDATES;
  console.log(`one replica: ${one.perSecond} updates/s, post-to-reply p50 ${one.p50Ms} ms, p99 ${one.p99Ms} ms`);
  // The bot shares this machine's cores with Redis, the fake Bot API and this driver: its own CPU time per
  // update says what one core given to it alone would handle.
  console.log(`one replica: ${cpuPerUpdate.toFixed(3)} ms of the bot's CPU per update, ≈ ${Math.round(1000 / cpuPerUpdate)} updates/s per core`);
  console.log(
    `one replica: per update, Redis used ${redisPerUpdate.toFixed(3)} ms of CPU, and this driver with the fake Bot API ${herePerUpdate.toFixed(3)} ms`,
  );

  const interestUsers = interestAccounts.map((_, index) => telegram.user(8_000_000 + index, { first_name: "Trader", language_code: "en" }));
  await Promise.all(interestUsers.map((user, index) => connect(chatWith(telegram, user), interestAccounts[index]!)));
  const interest: RunResult[] = [];
  for (let round = 0; round < 6; round++) {
    // Each account's OKX slot comes every 416 ms: a question a second per account is what a person asks.
    interest.push(await drive(telegram, replicas, interestUsers, () => "/interest", INTEREST_USERS, INTEREST_USERS));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const warm = interest.slice(1);
  console.log(
    `one replica: cached /interest from ${INTEREST_USERS} accounts at once (one incremental OKX request each): ` +
      `post-to-reply p50 ${percentile(
        warm.map((run) => run.p50Ms),
        0.5,
      )} ms, p99 ${Math.max(...warm.map((run) => run.p99Ms))} ms`,
  );

  // The chart account's year in the cache, as a walk leaves it; four people hold its key.
  const records = chartAccount.records;
  const cacheRedis = new Redis(redis.url);
  await fillCache(new InterestCache(cacheRedis, env.REDIS_PREFIX), chartAccount.uid, records, {
    from: Number(records.at(-1)!.ts),
    to: Number(records[0]!.ts),
  });
  await cacheRedis.quit();
  const chartUsers = Array.from({ length: CHARTS_PER_SECOND }, (_, index) =>
    telegram.user(8_500_000 + index, { first_name: "Charter", language_code: "en" }),
  );
  for (const user of chartUsers) await connect(chatWith(telegram, user), chartAccount);
  // Each chart user's first chart (fonts loaded, code warmed up), one after another.
  for (const user of chartUsers) {
    const from = telegram.calls().length;
    telegram.sendText(user, "/chart 1y");
    await telegram.waitFor((call) => call.method === "sendPhoto" && String(call.params.chat_id) === String(user.id), 30_000, from);
  }
  console.log(`one replica: ${PACED_PER_SECOND} × /help a second for ${PACED_SECONDS} s, ${CHARTS_PER_SECOND} one-year charts a second meanwhile`);
  const paced = await underCharts(telegram, replicas[0]!, users, chartUsers, PACED_PER_SECOND, PACED_SECONDS);
  console.log(`one replica: under charts, /help post-to-reply p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms; ${paced.charts} charts sent meanwhile`);

  replicas.push(await startBotProcess(env));
  balancer.setTargets(replicas.map((replica) => replica.httpUrl));
  await drive(telegram, replicas, users.slice(0, 200), () => "/help", 2_000, WINDOW);
  console.log(`two replicas: ${UPDATES} × /help, alternating, ${WINDOW * 2} unanswered at most`);
  const two = await drive(telegram, replicas, users, () => "/help", UPDATES, WINDOW * 2);
  console.log(`two replicas: ${two.perSecond} updates/s, post-to-reply p50 ${two.p50Ms} ms, p99 ${two.p99Ms} ms`);

  console.log(
    JSON.stringify({
      bench: "updates",
      perSecond: one.perSecond,
      p50Ms: one.p50Ms,
      p99Ms: one.p99Ms,
      twoReplicasPerSecond: two.perSecond,
      p99UnderChartsMs: paced.p99Ms,
    }),
  );
} finally {
  await Promise.all(replicas.map((replica) => replica.stop()));
  await balancer.close();
  await telegram.close();
  await okx.close();
  await redis.stop();
}
