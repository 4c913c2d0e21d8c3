import { clearLine, cursorTo, type Interface } from "node:readline";
import type { FakeOkxAccount } from "../test/support/fake-okx/index.js";
import type { StoredMessage } from "../test/support/fake-telegram/index.js";
import { outputOpen, print, write } from "./output.js";
import { parseScript, ScriptError } from "./script.js";
import type { ChatSession, StepOptions, StepOutcome } from "./session.js";

/*
 * The chat in the terminal: one line, one step. A number presses that button of the latest message with
 * buttons, `> TEXT` presses by label, `'5` sends the text 5, and Enter at a question of /connect sends the
 * demo key's value, so the bot gets exactly what a person would paste.
 */

const UNPROMPTED_POLL_MS = 250;

export interface TerminalChat {
  account: FakeOkxAccount;
  session: ChatSession;
  timeoutMs: number;
  rl: Interface;
  /** A person at a terminal (input echoed, prompt and progress shown), or piped input. */
  terminal: boolean;
  /** True once the demo is stopping: the chat is over. */
  stopping: () => boolean;
}

/** The first three questions of /connect, in English and Chinese. */
const STEP_PROMPT = /^Step ([1-3]) of 4|^第 ([1-3]) 步，共 4 步/;

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

/** Reads lines until the input ends, each one a step, printing the bot's answers and what it sends unprompted. */
export async function chatInTerminal({ account, session, timeoutMs, rl, terminal, stopping }: TerminalChat): Promise<void> {
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
    if (terminal && outputOpen()) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    print(lines);
  };
  // Piped input is not echoed: there each step's line says what was sent, and no prompt is shown.
  const prompt = (keepTyping = false) => {
    if (terminal && !stopping() && outputOpen()) rl.prompt(keepTyping);
  };
  const stepOptions: StepOptions = {
    timeoutMs,
    onProgress: (line) => {
      if (!terminal || stopping() || !outputOpen()) return;
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      write(`       … ${line}`);
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
      const outcome = await stepFor(line.trim(), session, account, stepOptions);
      busy = false;
      if (outcome !== undefined) {
        // The terminal already shows what was typed; a press or a demo value is spelled out.
        const typed = terminal && outcome.lines[0] === `you › ${line.trim()}`;
        show([...(typed ? outcome.lines.slice(1) : outcome.lines), ...(outcome.answered ? [] : [`✗ ${outcome.problem}`])]);
      }
      const asked = demoValueAsked(session.botMessages(), account);
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
  try {
    return await session.run(parseScript(text)[0]!, stepOptions);
  } catch (error) {
    // A demo command it does not know (`/demo-foo`) is told so; the chat goes on.
    if (error instanceof ScriptError) return { answered: false, lines: [], problem: error.message.replace(/^line \d+: /, "") };
    throw error;
  }
}
