/**
 * npm run demo — the bot at work on this machine, before any bot token or API key: a private Redis, the fake
 * OKX with a year of interest for a demo key, a local Bot API and the real bot process, then a chat in the
 * terminal. Ctrl-C stops everything.
 *
 *   npm run demo                              chat in the terminal
 *   npm run demo -- --script demo/journey.txt play a journey and print its transcript (exit 1 if a step gets no answer)
 *   BOT_TOKEN=123:ABC npm run demo            the same bot on a real Telegram bot instead of the terminal
 *
 * Options: --timeout SECONDS a step may take (default 45), --lang en|zh (the simulated person's language),
 * --files DIR where the files the bot sends are saved (default: a fresh folder in the system's temporary folder).
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { SavedFiles } from "./files.js";
import { outputOpen, print, warn, watchOutput } from "./output.js";
import { parseScript, runScript, ScriptError, type ScriptStep } from "./script.js";
import { ChatSession } from "./session.js";
import { startDemoStack, type DemoStack } from "./stack.js";
import { chatInTerminal } from "./terminal.js";
import type { FakeOkxAccount } from "../test/support/fake-okx/index.js";

const USAGE = "usage: npm run demo [-- --script FILE] [--timeout SECONDS] [--lang en|zh] [--files DIR]";

function fail(message: string, code: number): never {
  warn(message);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        script: { type: "string" },
        timeout: { type: "string", default: "45" },
        lang: { type: "string", default: "en" },
        files: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help === true) {
      print([USAGE]);
      process.exit(0);
    }
    const timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0)) fail(`--timeout must be a number of seconds, got “${values.timeout}”\n${USAGE}`, 2);
    if (values.lang !== "en" && values.lang !== "zh") fail(`--lang must be en or zh, got “${values.lang}”\n${USAGE}`, 2);
    if (values.files === "") fail(`--files needs a folder\n${USAGE}`, 2);
    return { script: values.script, timeoutMs: timeoutSeconds * 1000, lang: values.lang, filesDir: values.files };
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
  }
}

async function readScript(path: string): Promise<ScriptStep[]> {
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (error) {
    return fail(`cannot read the script ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
  }
  try {
    return parseScript(source);
  } catch (error) {
    if (error instanceof ScriptError) return fail(`${path}: ${error.message}`, 2);
    throw error;
  }
}

/** The folder the files the bot sends go to, made before anything starts: one the demo cannot write to stops it at once. */
function savedFiles(dir: string | undefined): SavedFiles {
  try {
    return SavedFiles.open(dir);
  } catch (error) {
    return fail(`cannot make the folder ${dir ?? "for the files the bot sends"}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
  }
}

function banner(stack: DemoStack, files: SavedFiles | undefined): string[] {
  const key = (account: FakeOkxAccount) => [
    `  UID         ${account.uid}`,
    `  API key     ${account.apiKey}`,
    `  secret      ${account.secret}`,
    `  passphrase  ${account.passphrase}`,
  ];
  const lines = [
    "OKX interest bot · local demo",
    ...stack.describe().map((line) => `  ${line}`),
    "",
    "The demo OKX keys (demo trading, read-only), a main account with a year of interest on USDT, BTC and ETH:",
    ...key(stack.account),
    "and a sub-account with three months (/connect it after the first to see All, and /accounts):",
    ...key(stack.sub),
    "",
    ...(files === undefined ? [] : ["The files the bot sends (the chart, the CSV export) are saved in", `  ${files.dir}`, ""]),
  ];
  if (stack.realTelegram) return [...lines, "Open your bot in Telegram and send /start, then /connect with the key above. Ctrl-C stops everything."];
  return [
    ...lines,
    "To talk to this bot from a real Telegram app instead: create a bot with @BotFather and run",
    "  BOT_TOKEN=<its token> npm run demo",
    "",
  ];
}

async function main(): Promise<void> {
  // Whoever read the output has gone (`| head` done, `| tee` stopped by Ctrl-C): nothing more can be shown.
  let outputClosed = (): void => process.exit(141);
  watchOutput(() => outputClosed());
  const { script, timeoutMs, lang, filesDir } = options();
  const steps = script === undefined ? undefined : await readScript(script);
  const token = steps === undefined ? process.env.BOT_TOKEN || undefined : undefined;
  // With a real Telegram the files go to the app; the demo never sees them.
  const files = token === undefined ? savedFiles(filesDir) : undefined;

  const starting = startDemoStack(token === undefined ? {} : { telegramToken: token }).catch((error: unknown) => {
    const hint =
      token === undefined ? "" : "\nWith BOT_TOKEN set, the bot needs api.telegram.org and a token @BotFather issued; unset BOT_TOKEN to chat here.";
    files?.removeIfUnused();
    return fail(`The demo could not start: ${error instanceof Error ? error.message : String(error)}${hint}`, 1);
  });

  let stopping: Promise<void> | undefined;
  /** Stops everything and exits; asked for while the demo is still starting, it waits for it to be up. */
  const stop = (code: number): Promise<void> =>
    (stopping ??= (async () => {
      print(["", "Stopping the bot, the fakes and Redis…"]);
      try {
        await (await starting).stop();
        // With stdout gone (`| head`), the last words go to stderr.
        const say = (line: string) => (outputOpen() ? print([line]) : warn(line));
        say("Stopped; nothing is left running.");
        // The files are the person's to open: they stay.
        if (files !== undefined && files.count > 0) say(`The files the bot sent stay in ${files.dir}`);
      } catch (error) {
        warn(`Stopping went wrong: ${error instanceof Error ? error.message : String(error)}`);
        code = code === 0 ? 1 : code;
      }
      process.exit(code);
    })());
  // Whatever goes wrong in here, the bot and Redis do not outlive the demo.
  const crashed = (error: unknown) => {
    warn(`The demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void stop(1);
  };
  process.on("uncaughtException", crashed);
  process.on("unhandledRejection", crashed);
  // Ctrl-C: the terminal's signal (output piped, as in `npm run demo | tee demo.log`) or the key read at a terminal.
  process.on("SIGINT", () => void stop(130));
  process.on("SIGTERM", () => void stop(143));
  // With its output closed the demo stops, as SIGPIPE would stop a program that does not catch it (128 + 13).
  outputClosed = () => {
    if (stopping === undefined) warn("The demo's output was closed; stopping the bot, the fakes and Redis.");
    void stop(141);
  };

  print(["Starting Redis, the fake OKX, the local Bot API and the bot…"]);
  const stack = await starting;
  stack.e2e.bot.child.once("exit", (code) => {
    if (stopping !== undefined) return;
    warn(`The bot stopped by itself (exit code ${String(code)}).`);
    void stop(1);
  });

  print(banner(stack, files));
  if (stopping !== undefined) return stopping;
  if (stack.realTelegram) return;

  const session = new ChatSession(stack.e2e, stack.e2e.newChat(lang), () => stack.workUnderWay(), files, stack);
  if (steps !== undefined) {
    const answered = await runScript(session, steps, print, timeoutMs);
    return stop(answered ? 0 : 1);
  }
  const terminal = process.stdin.isTTY && process.stdout.isTTY;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
  rl.on("SIGINT", () => void stop(130));
  await chatInTerminal({ account: stack.account, session, timeoutMs, rl, terminal, stopping: () => stopping !== undefined });
  return stop(0);
}

await main();
