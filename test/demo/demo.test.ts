import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SavedFiles } from "../../demo/files.js";
import { parseScript, ScriptError } from "../../demo/script.js";
import { renderBotMessage } from "../../demo/transcript.js";
import type { StoredMessage } from "../support/fake-telegram/index.js";
import { demoAccount, demoSubAccount } from "../../demo/stack.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const JOURNEY = join(ROOT, "demo/journey.txt");
const ACCOUNTS = join(ROOT, "demo/accounts.txt");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The first line of an export: the fields of OKX's interest-accrued endpoint, by their own names. */
const OKX_CSV_HEADER = "ts,ccy,mgnMode,instId,interest,interestRate,liab,totalLiab,interestFreeLiab,type";

interface DemoRun {
  output(): string;
  /** Resolves once the output matches. */
  shows(pattern: RegExp, timeoutMs?: number): Promise<void>;
  write(text: string): void;
  signal(signal: NodeJS.Signals): void;
  /** Ctrl-C at a terminal: SIGINT to every process of the demo's group (a demo run with `ownGroup`). */
  interruptGroup(): void;
  /** The reader goes, as when `| head` is done or `| tee` is stopped: stdout, or stdout and stderr, closed at this end. */
  closeOutput(which: "stdout" | "both"): void;
  exited: Promise<number | null>;
  /** Kills whatever of the run is left: the demo, and with `ownGroup` every process of its group. */
  kill(): void;
}

/**
 * `npm run demo` as a newcomer runs it: its own process, only PATH (and REDIS_URL if given) from the environment.
 * Its temporary folder is this file's, so the folders a run keeps (the files the bot sent) go with the tests'.
 */
function runDemo(args: string[], env: Record<string, string> = {}, { ownGroup = false } = {}): DemoRun {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "demo/main.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", TMPDIR: scripts, ...env },
    stdio: ["pipe", "pipe", "pipe"],
    // A process group of its own, as a shell gives a pipeline: the demo, the bot and redis-server are in it.
    detached: ownGroup,
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
    interruptGroup: () => process.kill(-child.pid!, "SIGINT"),
    closeOutput(which) {
      child.stdout.destroy();
      if (which === "both") child.stderr.destroy();
    },
    exited,
    kill() {
      try {
        process.kill(ownGroup ? -child.pid! : child.pid!, "SIGKILL");
      } catch {
        // Gone already.
      }
    },
  };
}

/** As `npm test` itself runs: a redis-server of the demo's own, unless REDIS_URL names one. */
function asNpmTest(): Record<string, string> {
  return process.env.REDIS_URL === undefined ? {} : { REDIS_URL: process.env.REDIS_URL };
}

/** The demo's exit code, or "still running" if it has not exited within `ms`. */
function exitWithin(demo: DemoRun, ms: number): Promise<number | null | "still running"> {
  return Promise.race([demo.exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms))]);
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

/** Text to match as it is inside a RegExp (a folder's path). */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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
    const steps = parseScript(
      ["# a comment", "", "/interest USDT", "  > 7d  ", ">Cross", "  # indented comment", "hello # not a comment", ""].join("\n"),
    );
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

/** A message of the bot's as the fake Bot API stores it. */
const message = (content: Partial<StoredMessage>): StoredMessage => ({
  message_id: 7,
  chat: { id: 1000, type: "private", first_name: "Trader" },
  from: { id: 7000000001, is_bot: true, first_name: "Bot" },
  date: 0,
  edited: false,
  deleted: false,
  ...content,
});

describe("the transcript", () => {
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
    const asking = renderBotMessage(
      message({ text: "Share it", reply_markup: { keyboard: [[{ text: "📍 Location", request_location: true }, { text: "Cancel" }]] } }),
      false,
    );
    expect(asking).toEqual(["bot › Share it", "      ⌨ 📍 Location  ⌨ Cancel"]);
  });

  it("shows a photo or a document by name and size, with its caption", () => {
    const photo = message({
      caption: "USDT · 30 days",
      file: { kind: "photo", fileId: "x", fileUniqueId: "y", byteLength: 48213, filename: "chart.png" },
    });
    expect(renderBotMessage(photo, false)).toEqual(["bot › (photo: chart.png, 48213 bytes)", "      USDT · 30 days"]);
    const linked = message({ file: { kind: "document", fileId: "x", fileUniqueId: "y", url: "https://example.com/a.csv" } });
    expect(renderBotMessage(linked, false)).toEqual(["bot › (document: https://example.com/a.csv)"]);
  });

  it("gives the path a file was saved as on its line, or why it was not", () => {
    const photo = message({
      caption: "USDT · 30 days",
      file: { kind: "photo", fileId: "x", fileUniqueId: "y", byteLength: 48213, filename: "chart.png" },
    });
    expect(renderBotMessage(photo, false, { path: "/home/trader/charts/chart.png" })).toEqual([
      "bot › (photo: chart.png, 48213 bytes) saved as /home/trader/charts/chart.png",
      "      USDT · 30 days",
    ]);
    expect(renderBotMessage(photo, false, { problem: "not saved: ENOSPC" })[0]).toBe("bot › (photo: chart.png, 48213 bytes) (not saved: ENOSPC)");
  });
});

describe("the files the bot sends", () => {
  const sent = (fileUniqueId: string, filename: string | undefined, content: string): StoredMessage =>
    message({
      file: {
        kind: "document",
        fileId: `id-${fileUniqueId}`,
        fileUniqueId,
        byteLength: content.length,
        content: Buffer.from(content),
        ...(filename === undefined ? {} : { filename }),
      },
    });

  it("are written under the name sent, a counter in front when it is taken, and a file sent again is the one saved", async () => {
    // A folder named that is not there yet is made.
    const dir = join(scripts, "saved", "files");
    const files = SavedFiles.open(dir);
    expect(files.dir).toBe(dir);
    await writeFile(join(dir, "3-export.csv"), "there before");
    expect(files.save(sent("a", "export.csv", "first"))).toEqual({ path: join(dir, "export.csv") });
    expect(files.save(sent("b", "export.csv", "second"))).toEqual({ path: join(dir, "2-export.csv") });
    expect(files.save(sent("c", "export.csv", "third"))).toEqual({ path: join(dir, "4-export.csv") });
    expect(files.save(sent("a", "export.csv", "first"))).toEqual({ path: join(dir, "export.csv") });
    expect(await readFile(join(dir, "3-export.csv"), "utf8")).toBe("there before");
    expect(await readFile(join(dir, "2-export.csv"), "utf8")).toBe("second");
    expect(files.count).toBe(3);
  });

  it("stay inside the folder whatever name they were sent with; a file sent by URL is not saved", async () => {
    const dir = await mkdtemp(join(scripts, "names-"));
    const files = SavedFiles.open(dir);
    expect(files.save(sent("a", "../../escape.csv", "x"))).toEqual({ path: join(dir, ".._.._escape.csv") });
    expect(files.save(sent("b", "..", "x"))).toEqual({ path: join(dir, "document") });
    expect(files.save(sent("c", undefined, "x"))).toEqual({ path: join(dir, "2-document") });
    expect(await readdir(dir)).toHaveLength(3);
    const linked = {
      ...sent("d", "a.csv", ""),
      file: { kind: "document" as const, fileId: "x", fileUniqueId: "d", url: "https://example.com/a.csv" },
    };
    expect(files.save(linked)).toBeUndefined();
  });
});

describe("npm run demo", () => {
  it("plays the journey of demo/journey.txt, prints its transcript, saves the chart and the CSV under --files, and leaves nothing running", async () => {
    const account = demoAccount();
    const given = process.env.REDIS_URL;
    const files = join(scripts, "journey-files");
    const demo = runDemo(["--script", JOURNEY, "--files", files], asNpmTest());
    expect(await demo.exited, demo.output()).toBe(0);
    const transcript = demo.output();
    expectInOrder(transcript, [
      given === undefined ? /^ {2}Redis +redis:\/\/127\.0\.0\.1:\d+ \(redis-server, pid \d+\)/ : /^ {2}Redis +\S+ \(REDIS_URL\)/,
      /^ {2}fake OKX +http:\/\/127\.0\.0\.1:\d+ \(global\)/,
      /^ {2}Bot API +http:\/\/127\.0\.0\.1:\d+ \(local, simulated chat\)/,
      /^ {2}bot +pid \d+, http:\/\/127\.0\.0\.1:\d+\/healthz/,
      new RegExp(`^  API key +${account.apiKey}$`),
      /^The files the bot sends \(the chart, the CSV export\) are saved in$/,
      new RegExp(`^  ${literally(files)}$`),
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
      /^bot › \(photo: interest-USDT[\w-]*\.png, \d+ bytes\) saved as \S+\.png$/,
      /^ +📈 USDT · isolated · last 24 hours/,
      /^you › \[⬇ CSV\]$/,
      /^bot › \(document: okx-interest_demo-readonly_USDT[\w-]*\.csv, \d+ bytes\) saved as \S+\.csv$/,
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
      new RegExp(`^The files the bot sent stay in ${literally(files)}$`),
    ]);
    // Each file under the name it was sent with, in the folder given, as big as the transcript says.
    const chart = /^bot › \(photo: (\S+), (\d+) bytes\) saved as (\S+)$/m.exec(transcript)!;
    expect(chart[3]).toBe(join(files, chart[1]!));
    const png = await readFile(chart[3]!);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.length).toBe(Number(chart[2]));
    const csv = /^bot › \(document: (\S+), (\d+) bytes\) saved as (\S+)$/m.exec(transcript)!;
    expect(csv[3]).toBe(join(files, csv[1]!));
    const rows = (await readFile(csv[3]!, "utf8")).split("\r\n");
    expect(rows[0]).toBe(OKX_CSV_HEADER);
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00(\.000)?(Z|[+-]\d\d:\d\d),USDT,isolated,BTC-USDT,/);
    expect((await readdir(files)).sort()).toEqual([chart[1], csv[1]].sort());
    // The bot never repeats a secret it was sent.
    for (const secret of [account.secret, account.passphrase]) expect(botSaid(transcript)).not.toContain(secret);

    const pids = startedPids(transcript);
    expect(pids).toHaveLength(given === undefined ? 2 : 1);
    for (const pid of pids) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
  }, 120_000);

  it("saves the files in a fresh folder under the system's temporary folder, printed at start, kept when it stops; a name sent twice is not overwritten", async () => {
    const temporary = await mkdtemp(join(scripts, "tmp-"));
    const account = demoAccount();
    const steps = ["/connect", account.apiKey, account.secret, account.passphrase, "> Demo", "/interest USDT", "> 24h", "> Chart", "> Chart"].join(
      "\n",
    );
    const demo = runDemo(["--script", await script("two-charts.txt", steps)], { REDIS_URL: inject("redisUrl"), TMPDIR: temporary });
    expect(await demo.exited, demo.output()).toBe(0);
    const output = demo.output();
    const folder = /^The files the bot sends \(the chart, the CSV export\) are saved in\n {2}(\S+)$/m.exec(output)?.[1];
    expect(folder, output).toBeDefined();
    expect(dirname(folder!)).toBe(temporary);
    expect(output.indexOf(folder!)).toBeLessThan(output.indexOf("you › /connect"));

    const saved = [...output.matchAll(/^bot › \(photo: (\S+), \d+ bytes\) saved as (\S+)$/gm)].map((match) => ({ name: match[1]!, path: match[2]! }));
    expect(saved).toHaveLength(2);
    expect(saved[1]!.name).toBe(saved[0]!.name);
    expect(saved.map((file) => file.path)).toEqual([join(folder!, saved[0]!.name), join(folder!, `2-${saved[0]!.name}`)]);
    // The folder is the person's: still there, with both charts, after the demo stopped.
    expect((await readdir(folder!)).sort()).toEqual([saved[0]!.name, `2-${saved[0]!.name}`].sort());
    for (const file of saved) expect((await readFile(file.path)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(output).toContain(`The files the bot sent stay in ${folder}`);
  }, 60_000);

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

  it("plays demo/accounts.txt: two accounts connected, All summed and split, one account alone, an alert set, the spike, and the alert", async () => {
    const [main, sub] = [demoAccount(), demoSubAccount()];
    const demo = runDemo(["--script", ACCOUNTS], asNpmTest());
    expect(await demo.exited, demo.output()).toBe(0);
    const transcript = demo.output();
    expectInOrder(transcript, [
      new RegExp(`^  UID +${main.uid}$`),
      new RegExp(`^  UID +${sub.uid}$`),
      /^bot › ✅ Connected: “demo-readonly” · demo/,
      /^bot › ✅ Added: “demo-sub-readonly” · demo/,
      /^ +You now have 2 accounts/,
      /^bot › Your OKX accounts \(2\)$/,
      /^you › \/interest USDT$/,
      /^ +Account: demo-readonly$/,
      /^ +\[1\] All {2}\[2\] · demo-readonly · {2}\[3\] demo-sub-reado$/,
      /^you › \[All\]$/,
      /^ +Account: All accounts \(2\)$/,
      /^ +By account$/,
      /^ +demo-(sub-)?readonly +\d+\.\d{4}$/,
      /^ +demo-(sub-)?readonly +\d+\.\d{4}$/,
      /^you › \[demo-sub-reado\]$/,
      /^ +Account: demo-sub-readonly$/,
      /^you › 20 USDT$/,
      /^ +📈 Yearly rate at or above 20 % · USDT$/,
      /^you › \/demo-spike USDT$/,
      /^bot ⓘ demo · fake OKX: USDT of demo-readonly at 10× its rate/,
      /^bot › 🚨 Borrowing turned expensive$/,
      /^ +USDT (cross|isolated BTC-USDT) · demo-readonly$/,
      /^ +Yearly rate [\d.]+ %: at or above your 20 %$/,
      /^ +\[1\] USDT details {2}\[2\] 💤 24 h {2}\[3\] 🔕 Turn off$/,
      /^Stopped; nothing is left running\.$/,
    ]);
    // The sub-account's rate did not move: no alert names it.
    expect(transcript).not.toMatch(/· demo-sub-readonly\n +Yearly rate/);
    for (const secret of [main.secret, main.passphrase, sub.secret, sub.passphrase]) expect(botSaid(transcript)).not.toContain(secret);
  }, 150_000);

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
    expect(await demo.exited).toBe(130);
    expect(demo.output()).toContain("Stopped; nothing is left running.");
    for (const pid of startedPids(demo.output())) expect(isRunning(pid)).toBe(false);
  }, 60_000);

  // Ctrl-C at a terminal ends `tee`, and its SIGINT reaches the demo, the bot and redis-server alike; `kill -INT` reaches the demo alone.
  it.each(["the whole group", "the demo alone"])(
    "stops on SIGINT to %s once the reader of its output has gone (`npm run demo | tee demo.log`), leaving nothing running",
    async (to) => {
      const demo = runDemo(["--files", join(scripts, "tee-files")], asNpmTest(), { ownGroup: true });
      try {
        await demo.shows(/Ctrl-C stops everything\.\n/);
        const pids = startedPids(demo.output());
        expect(pids).toHaveLength(process.env.REDIS_URL === undefined ? 2 : 1);
        demo.closeOutput("both");
        if (to === "the whole group") demo.interruptGroup();
        else demo.signal("SIGINT");
        const code = await exitWithin(demo, 30_000);
        expect(code).toBe(130);
        for (const pid of pids) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
      } finally {
        demo.kill();
      }
    },
    60_000,
  );

  it("stops by itself when the reader of its output goes (`| head`), says so on stderr, and leaves nothing running", async () => {
    const steps = ["/start", "/help", "/status", "/help", "/start"].join("\n");
    const demo = runDemo(["--script", await script("unread.txt", steps), "--files", join(scripts, "head-files")], asNpmTest(), { ownGroup: true });
    try {
      await demo.shows(/^ {2}bot +pid \d+/m);
      const pids = startedPids(demo.output());
      demo.closeOutput("stdout");
      const code = await exitWithin(demo, 30_000);
      const said = demo.output();
      expect(code, said).toBe(141);
      expect(said).toContain("The demo's output was closed; stopping the bot, the fakes and Redis.");
      expect(said).toMatch(/Stopped; nothing is left running\.\n$/);
      expect(said).not.toContain("The demo failed");
      for (const pid of pids) expect(isRunning(pid), `process ${pid} still runs`).toBe(false);
    } finally {
      demo.kill();
    }
  }, 60_000);
});
