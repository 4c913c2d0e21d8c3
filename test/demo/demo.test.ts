import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseScript, ScriptError } from "../../demo/script.js";
import { renderBotMessage } from "../../demo/transcript.js";
import type { StoredMessage } from "../support/fake-telegram.js";
import { demoAccount } from "../../demo/stack.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const JOURNEY = join(ROOT, "demo/journey.txt");

interface DemoRun {
  output(): string;
  /** Resolves once the output matches. */
  shows(pattern: RegExp, timeoutMs?: number): Promise<void>;
  write(text: string): void;
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/** `npm run demo` as a newcomer runs it: its own process, only PATH (and REDIS_URL if given) from the environment. */
function runDemo(args: string[], env: Record<string, string> = {}): DemoRun {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "demo/main.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    output: () => output,
    async shows(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the demo never showed ${pattern}; it showed:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    write: (text) => child.stdin.write(text),
    signal: (signal) => child.kill(signal),
    exited,
  };
}

/** As `npm test` itself runs: a redis-server of the demo's own, unless REDIS_URL names one. */
function asNpmTest(): Record<string, string> {
  return process.env.REDIS_URL === undefined ? {} : { REDIS_URL: process.env.REDIS_URL };
}

/** The processes the demo said it started (the bot, and redis-server when it started one). */
function startedPids(output: string): number[] {
  return [...output.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Each pattern, in this order, each on a line after the previous one's. */
function expectInOrder(transcript: string, patterns: RegExp[]): void {
  const lines = transcript.split("\n");
  let from = 0;
  for (const pattern of patterns) {
    const at = lines.findIndex((line, index) => index >= from && pattern.test(line));
    expect(at, `${pattern} after line ${from} of:\n${transcript}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

/** The bot's lines of a transcript: each speaker's first line is marked, the lines under it are indented. */
function botSaid(transcript: string): string {
  let speaker = "";
  return transcript
    .split("\n")
    .filter((line) => {
      if (/^(you|bot) /.test(line)) speaker = line.slice(0, 3);
      else if (!line.startsWith(" ")) speaker = "";
      return speaker === "bot";
    })
    .join("\n");
}

let scripts: string;
beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), "okxi-demo-"));
});
afterAll(() => rm(scripts, { recursive: true, force: true }));

async function script(name: string, text: string): Promise<string> {
  const path = join(scripts, name);
  await writeFile(path, text);
  return path;
}

describe("the script format", () => {
  it("reads one step a line: messages, “> TEXT” presses, comments and blank lines skipped", () => {
    const steps = parseScript(["# a comment", "", "/interest USDT", "  > 7d  ", ">Cross", "  # indented comment", "hello # not a comment", ""].join("\n"));
    expect(steps).toEqual([
      { kind: "send", text: "/interest USDT", line: 3 },
      { kind: "press", label: "7d", line: 4 },
      { kind: "press", label: "Cross", line: 5 },
      { kind: "send", text: "hello # not a comment", line: 7 },
    ]);
  });

  it("refuses a press without a label and a script without steps, naming the line", () => {
    expect(() => parseScript("/start\n>  \n")).toThrow(new ScriptError("line 2: “>” needs the text of a button, as in “> 7d”"));
    expect(() => parseScript("# nothing\n\n")).toThrow(ScriptError);
  });

  it("holds the demo key's real values in the journey, so /connect gets what a person would paste", () => {
    const account = demoAccount();
    const sent = parseScript(readFileSync(JOURNEY, "utf8")).flatMap((step) => (step.kind === "send" ? [step.text] : []));
    expect(sent).toEqual(expect.arrayContaining([account.apiKey, account.secret, account.passphrase]));
  });
});

describe("the transcript", () => {
  const message = (content: Partial<StoredMessage>): StoredMessage => ({
    message_id: 7,
    chat: { id: 1000, type: "private", first_name: "Trader" },
    from: { id: 7000000001, is_bot: true, first_name: "Bot" },
    date: 0,
    edited: false,
    deleted: false,
    ...content,
  });

  it("numbers inline buttons in reading order, marks links and edits, and lists a reply keyboard", () => {
    const shown = renderBotMessage(
      message({
        text: "Pick one\nor type it",
        reply_markup: {
          inline_keyboard: [
            [
              { text: "24h", callback_data: "a" },
              { text: "· 7d ·", callback_data: "b" },
            ],
            [{ text: "Docs", url: "https://example.com/help" }],
          ],
        },
      }),
      true,
    );
    expect(shown).toEqual(["bot ✎ Pick one", "      or type it", "      [1] 24h  [2] · 7d ·", "      [3] Docs ↗ https://example.com/help"]);
    const asking = renderBotMessage(message({ text: "Share it", reply_markup: { keyboard: [[{ text: "📍 Location", request_location: true }, { text: "Cancel" }]] } }), false);
    expect(asking).toEqual(["bot › Share it", "      ⌨ 📍 Location  ⌨ Cancel"]);
  });

  it("shows a photo or a document by name and size, with its caption", () => {
    const photo = message({ caption: "USDT · 30 days", file: { kind: "photo", fileId: "x", fileUniqueId: "y", byteLength: 48213, filename: "chart.png" } });
    expect(renderBotMessage(photo, false)).toEqual(["bot › (photo: chart.png, 48213 bytes)", "      USDT · 30 days"]);
    const linked = message({ file: { kind: "document", fileId: "x", fileUniqueId: "y", url: "https://example.com/a.csv" } });
    expect(renderBotMessage(linked, false)).toEqual(["bot › (document: https://example.com/a.csv)"]);
  });
});

describe("npm run demo", () => {
  it("plays the journey of demo/journey.txt, prints its transcript, and leaves nothing running", async () => {
    const account = demoAccount();
    const given = process.env.REDIS_URL;
    const demo = runDemo(["--script", JOURNEY], asNpmTest());
    expect(await demo.exited, demo.output()).toBe(0);
    const transcript = demo.output();
    expectInOrder(transcript, [
      given === undefined ? /^ {2}Redis +redis:\/\/127\.0\.0\.1:\d+ \(redis-server, pid \d+\)/ : /^ {2}Redis +\S+ \(REDIS_URL\)/,
      /^ {2}fake OKX +http:\/\/127\.0\.0\.1:\d+ \(global\)/,
      /^ {2}Bot API +http:\/\/127\.0\.0\.1:\d+ \(local, simulated chat\)/,
      /^ {2}bot +pid \d+, http:\/\/127\.0\.0\.1:\d+\/healthz/,
      new RegExp(`^  API key +${account.apiKey}$`),
      /^you › \/start$/,
      /^bot › Hi! I show what your OKX margin loans cost you/,
      /^you › \/connect$/,
      /^bot › Step 1 of 4/,
      /^bot ✂ \(deleted your message\)$/,
      /^bot › Step 2 of 4/,
      /^bot ✂ \(deleted your message\)$/,
      /^bot › Step 3 of 4/,
      /^bot ✂ \(deleted your message\)$/,
      /^bot › Step 4 of 4/,
      /^ +\[1\] Live trading {2}\[2\] Demo trading$/,
      /^you › \[Demo trading\]$/,
      /^bot › ✅ Connected: “demo-readonly” · demo · read_only/,
      /^bot › 🔑 2a97••••6a0a · “demo-readonly”/,
      /^you › \/interest USDT$/,
      /^bot › 💸 USDT interest · last 7 days$/,
      /^ +Total +\d+\.\d{4} USDT over \d+ h$/,
      /^ +\[1\] 24h {2}\[2\] · 7d · {2}\[3\] 30d {2}\[4\] 90d {2}\[5\] 1y$/,
      /^you › \[24h\]$/,
      /^bot ✎ 💸 USDT interest · last 24 hours$/,
      /^you › \[Isolated\]$/,
      /^bot ✎ 💸 USDT · isolated interest · last 24 hours$/,
      /^you › \[📈 Chart\]$/,
      /^bot › \(photo: interest-USDT[\w-]*\.png, \d+ bytes\)$/,
      /^ +📈 USDT · isolated · last 24 hours/,
      /^you › \[⬇ CSV\]$/,
      /^bot › \(document: okx-interest_demo-readonly_USDT[\w-]*\.csv, \d+ bytes\)$/,
      /^you › \[📜 Records\]$/,
      /^bot ✎ 📜 Hourly records · USDT · isolated · last 24 hours$/,
      /^ +\d+ \w{3} \d\d:00 +USDT +isolated BTC-USDT \d+\.\d{4}$/,
      /^you › \/filters$/,
      /^bot › 1\/5 · Which currency/,
      /^bot › 2\/5 · Which margin mode/,
      /^bot › 3\/5 · Which instrument/,
      /^bot › 4\/5 · Which period/,
      /^bot › 5\/5 · How many hourly records per page/,
      /^you › 5$/,
      /^bot › Filters: USDT · isolated · BTC-USDT · last 7 days · 5 records per page\.$/,
      /^bot ⓘ Saved: \/interest starts from these filters now\.$/,
      /^bot ✎ 💸 USDT · isolated · BTC-USDT interest · last 7 days$/,
      /^you › \/digest$/,
      /^bot › 🗓 Daily digest: off$/,
      /^you › \[🕘 Time\]$/,
      /^bot ✎ At what hour\?/,
      /^you › \[· 09 ·\]$/,
      /^bot ✎ And the minute\?/,
      /^you › \[09:30\]$/,
      /^ +Time: 09:30 · /,
      /^you › \[🌍 Zone\]$/,
      /^you › Europe\/Paris$/,
      /^bot › Time zone: Europe\/Paris\.$/,
      /^you › \[✅ Turn on\]$/,
      /^bot ⓘ Digest on$/,
      /^bot ✎ 🗓 Daily digest: on$/,
      /^ +Time: 09:30 · Europe\/Paris \(UTC[+-]\d+\)$/,
      /^ +Next: .*09:30$/,
      /^you › \[▶ Send now\]$/,
      /^bot ⓘ On its way$/,
      /^bot › ☀️ Your borrowing, /,
      /^ +USDT {2}\d+\.\d{4} {2}\(/,
      /^you › \/disconnect$/,
      /^bot › Disconnected\. I erased your key and everything derived from it\.$/,
      /^you › \/interest$/,
      /^bot › No OKX key is connected yet/,
      /^Stopped; nothing is left running\.$/,
    ]);
    // The bot never repeats a secret it was sent.
    for (const secret of [account.secret, account.passphrase]) expect(botSaid(transcript)).not.toContain(secret);

    const pids = startedPids(transcript);
    expect(pids).toHaveLength(given === undefined ? 2 : 1);
    for (const pid of pids) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
  }, 120_000);

  it("fails a run at a button that is not there, naming the line, and erases its keys from a Redis it was given", async () => {
    const redisUrl = inject("redisUrl");
    const demo = runDemo(["--script", await script("missing-button.txt", "/start\n/connect\n> Nowhere\n/cancel\n")], { REDIS_URL: redisUrl });
    expect(await demo.exited).toBe(1);
    const output = demo.output();
    expect(output).toContain("✗ line 3 (> Nowhere): no button “Nowhere” on the latest bot message with buttons (its buttons are “Cancel”)");
    expect(output).not.toContain("you › /cancel");
    expect(output).toMatch(/Redis +redis:\/\/\S+ \(REDIS_URL\)/);

    const prefix = /keys under (\S+):/.exec(output)?.[1];
    expect(prefix).toBeDefined();
    const redis = new Redis(redisUrl);
    try {
      expect([...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`b_${prefix}:*`))]).toEqual([]);
    } finally {
      await redis.quit();
    }
    const pids = startedPids(output);
    expect(pids).toHaveLength(1);
    expect(isRunning(pids[0]!)).toBe(false);
  }, 60_000);

  it("fails a run at a step that gets no answer in time", async () => {
    const account = demoAccount();
    const steps = ["/connect", account.apiKey, account.secret, account.passphrase, "> Demo", "/interest 1y"].join("\n");
    const demo = runDemo(["--script", await script("slow.txt", steps), "--timeout", "5"], { REDIS_URL: inject("redisUrl") });
    expect(await demo.exited).toBe(1);
    // A year is 350 pages at OKX's 5 requests per 2 s: far more than 5 s.
    expect(demo.output()).toContain("✗ line 6 (/interest 1y): no answer within 5 s");
    for (const pid of startedPids(demo.output())) expect(isRunning(pid)).toBe(false);
  }, 60_000);

  it("stops everything it started when told to stop while still starting", async () => {
    const demo = runDemo(["--script", JOURNEY], asNpmTest());
    await demo.shows(/^Starting Redis/m);
    demo.signal("SIGTERM");
    expect(await demo.exited).toBe(143);
    const output = demo.output();
    expect(output).not.toContain("you › ");
    expect(output).toContain("Stopped; nothing is left running.");
    const pids = startedPids(output);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
  }, 60_000);

  it("chats from piped input: Enter at /connect sends the demo key; a number presses a button; SIGINT stops everything", async () => {
    const demo = runDemo([], { REDIS_URL: inject("redisUrl") });
    await demo.shows(/Ctrl-C stops everything\.\n/);
    demo.write("/connect\n");
    await demo.shows(/press Enter to send the demo API key: [0-9a-f-]{36}\)/);
    demo.write("\n");
    await demo.shows(/bot › Step 2 of 4/);
    demo.write("\n\n");
    await demo.shows(/\[1\] Live trading {2}\[2\] Demo trading/);
    demo.write("2\n");
    await demo.shows(/bot › ✅ Connected: “demo-readonly” · demo/);
    expect(demo.output()).toContain("you › [Demo trading]");
    demo.write("'5\n");
    await demo.shows(/you › 5\nbot › I did not understand that/);

    demo.signal("SIGINT");
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain("Stopped; nothing is left running.");
    for (const pid of startedPids(demo.output())) expect(isRunning(pid)).toBe(false);
  }, 60_000);
});
