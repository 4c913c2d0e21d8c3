/**
 * npm run demo — the bot at work on this machine, before any bot token or API key: a private Redis, the fake
 * OKX with a year of interest for a demo key, a local Bot API and the real bot process, then a chat in the
 * terminal. Ctrl-C stops everything.
 *
 *   npm run demo                              chat in the terminal
 *   npm run demo -- --script demo/journey.txt play a journey and print its transcript (exit 1 if a step gets no answer)
 *   BOT_TOKEN=123:ABC npm run demo            the same bot on a real Telegram bot instead of the terminal
 *
 * Options: --timeout SECONDS a step may take (default 45), --lang en|zh (the simulated person's language).
 */
import { readFile } from "node:fs/promises";
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import { parseArgs } from "node:util";
import type { FakeOkxAccount } from "../test/support/fake-okx/index.js";
import type { StoredMessage } from "../test/support/fake-telegram.js";
import { parseScript, runScript, ScriptError, type ScriptStep } from "./script.js";
import { ChatSession, type StepOptions, type StepOutcome } from "./session.js";
import { startDemoStack, type DemoStack } from "./stack.js";

const USAGE = "usage: npm run demo [-- --script FILE] [--timeout SECONDS] [--lang en|zh]";
const UNPROMPTED_POLL_MS = 250;

function print(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        script: { type: "string" },
        timeout: { type: "string", default: "45" },
        lang: { type: "string", default: "en" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help === true) fail(USAGE, 0);
    const timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0)) fail(`--timeout must be a number of seconds, got “${values.timeout}”\n${USAGE}`, 2);
    if (values.lang !== "en" && values.lang !== "zh") fail(`--lang must be en or zh, got “${values.lang}”\n${USAGE}`, 2);
    return { script: values.script, timeoutMs: timeoutSeconds * 1000, lang: values.lang };
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

function banner(stack: DemoStack): string[] {
  const { apiKey, secret, passphrase } = stack.account;
  const lines = [
    "OKX interest bot · local demo",
    ...stack.describe().map((line) => `  ${line}`),
    "",
    "The demo OKX key (demo trading, read-only, a year of interest on USDT, BTC and ETH):",
    `  API key     ${apiKey}`,
    `  secret      ${secret}`,
    `  passphrase  ${passphrase}`,
    "",
  ];
  if (stack.realTelegram) return [...lines, "Open your bot in Telegram and send /start, then /connect with the key above. Ctrl-C stops everything."];
  return [
    ...lines,
    "To talk to this bot from a real Telegram app instead: create a bot with @BotFather and run",
    "  BOT_TOKEN=<its token> npm run demo",
    "",
  ];
}

/** While /connect asks for a secret (or has just refused one), the demo key's value it wants. */
function demoValueAsked(messages: readonly StoredMessage[], account: FakeOkxAccount): { name: string; value: string } | undefined {
  const live = messages.filter((message) => !message.deleted);
  const latest = live.at(-1)?.text ?? "";
  const prompt = [...live].reverse().find((message) => STEP_PROMPT.test(message.text ?? ""));
  if (prompt === undefined || (prompt !== live.at(-1) && !/\/cancel[.。]?$/.test(latest))) return undefined;
  const step = STEP_PROMPT.exec(prompt.text ?? "")!;
  switch (step[1] ?? step[2]) {
    case "1":
      return { name: "API key", value: account.apiKey };
    case "2":
      return { name: "secret", value: account.secret };
    default:
      return { name: "passphrase", value: account.passphrase };
  }
}

/** The first three questions of /connect, in English and Chinese. */
const STEP_PROMPT = /^Step ([1-3]) of 4|^第 ([1-3]) 步，共 4 步/;

/** The terminal chat: one line, one step; numbers press buttons; Enter at /connect sends the demo key. */
async function chatInTerminal(stack: DemoStack, session: ChatSession, timeoutMs: number, rl: Interface, terminal: boolean, stopping: () => boolean): Promise<void> {
  print([
    "Type as you would in Telegram, starting with /start. A number presses that button of the latest message with",
    "buttons (“> 7d” presses by label, “'5” sends the text 5). At each step of /connect, Enter sends the demo key.",
    "Ctrl-C stops everything.",
    "",
  ]);
  /** Prints on a line of its own, over the prompt or a progress line. */
  const show = (lines: string[]) => {
    // Once stopping, the chat is over: what the bot still does on its way out is not news.
    if (lines.length === 0 || stopping()) return;
    if (terminal) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    print(lines);
  };
  // Piped input is not echoed: there each step's line says what was sent, and no prompt is shown.
  const prompt = (keepTyping = false) => {
    if (terminal && !stopping()) rl.prompt(keepTyping);
  };
  const stepOptions: StepOptions = {
    timeoutMs,
    onProgress: (line) => {
      if (!terminal || stopping()) return;
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      process.stdout.write(`       … ${line}`);
    },
  };

  let busy = false;
  const watcher = setInterval(() => {
    const lines = busy ? [] : session.unprompted();
    if (lines.length === 0) return;
    show(lines);
    prompt(true);
  }, UNPROMPTED_POLL_MS);
  rl.setPrompt("you › ");
  prompt();
  try {
    for await (const line of rl) {
      busy = true;
      const outcome = await stepFor(line.trim(), session, stack.account, stepOptions);
      busy = false;
      if (outcome !== undefined) {
        // The terminal already shows what was typed; a press or a demo value is spelled out.
        const typed = terminal && outcome.lines[0] === `you › ${line.trim()}`;
        show([...(typed ? outcome.lines.slice(1) : outcome.lines), ...(outcome.answered ? [] : [`✗ ${outcome.problem}`])]);
      }
      const asked = demoValueAsked(session.botMessages(), stack.account);
      if (asked !== undefined) show([`       (press Enter to send the demo ${asked.name}: ${asked.value})`]);
      prompt();
    }
  } finally {
    clearInterval(watcher);
  }
}

async function stepFor(text: string, session: ChatSession, account: FakeOkxAccount, stepOptions: StepOptions): Promise<StepOutcome | undefined> {
  if (text === "") {
    const asked = demoValueAsked(session.botMessages(), account);
    return asked === undefined ? undefined : session.run({ kind: "send", text: asked.value }, stepOptions);
  }
  if (/^\d+$/.test(text)) {
    const pressed = session.pressNumber(Number(text), stepOptions);
    if (pressed !== undefined) return pressed;
  }
  if (text.startsWith("'")) return text.length > 1 ? session.run({ kind: "send", text: text.slice(1) }, stepOptions) : undefined;
  if (text.startsWith("#")) return undefined;
  return session.run(parseScript(text)[0]!, stepOptions);
}

async function main(): Promise<void> {
  const { script, timeoutMs, lang } = options();
  const steps = script === undefined ? undefined : await readScript(script);
  const token = steps === undefined ? process.env.BOT_TOKEN || undefined : undefined;
  const stack = await startDemoStack(token === undefined ? {} : { telegramToken: token }).catch((error: unknown) => {
    const hint = token === undefined ? "" : "\nWith BOT_TOKEN set, the bot needs api.telegram.org and a token @BotFather issued; unset BOT_TOKEN to chat here.";
    return fail(`The demo could not start: ${error instanceof Error ? error.message : String(error)}${hint}`, 1);
  });

  let stopping: Promise<never> | undefined;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      print(["", "Stopping the bot, the fakes and Redis…"]);
      try {
        await stack.stop();
        print(["Stopped; nothing is left running."]);
      } catch (error) {
        process.stderr.write(`Stopping went wrong: ${error instanceof Error ? error.message : String(error)}\n`);
        code = code === 0 ? 1 : code;
      }
      process.exit(code);
    })());
  // Whatever goes wrong in here, the bot and Redis do not outlive the demo.
  const crashed = (error: unknown) => {
    process.stderr.write(`The demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void stop(1);
  };
  process.on("uncaughtException", crashed);
  process.on("unhandledRejection", crashed);
  process.on("SIGINT", () => void stop(steps === undefined ? 0 : 130));
  process.on("SIGTERM", () => void stop(143));
  stack.e2e.bot.child.once("exit", (code) => {
    if (stopping !== undefined) return;
    process.stderr.write(`The bot stopped by itself (exit code ${String(code)}).\n`);
    void stop(1);
  });

  print(banner(stack));
  if (stack.realTelegram) return;

  const session = new ChatSession(stack.e2e, stack.e2e.newChat(lang), () => stack.digestsUnderWay());
  if (steps !== undefined) {
    const answered = await runScript(session, steps, print, timeoutMs);
    return stop(answered ? 0 : 1);
  }
  const terminal = process.stdin.isTTY && process.stdout.isTTY;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
  rl.on("SIGINT", () => void stop(0));
  await chatInTerminal(stack, session, timeoutMs, rl, terminal, () => stopping !== undefined);
  return stop(0);
}

await main();
