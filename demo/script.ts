import type { ChatSession, Step } from "./session.js";

/*
 * A user journey as plain text, one step per line: a line is a message to send, a line `> TEXT` presses the
 * button whose label contains TEXT on the latest bot message (with buttons), `/demo-spike CCY` raises the
 * main demo account's CCY rate on the fake OKX and runs the hour's alert check, a line starting with `#` is
 * a comment. Blank lines are skipped.
 */

export type ScriptStep = Step & { line: number };

export class ScriptError extends Error {}

export function parseScript(source: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const demo = /^\/demo-(\w+)(?:\s+(.*))?$/.exec(text);
    if (demo !== null) {
      if (demo[1] !== "spike") throw new ScriptError(`line ${line}: the demo's own commands are /demo-spike CCY; “/demo-${demo[1]}” is none of them`);
      steps.push({ kind: "demo", command: "spike", argument: (demo[2] ?? "USDT").trim().toUpperCase(), line });
    } else if (text.startsWith(">")) {
      const label = text.slice(1).trim();
      if (label === "") throw new ScriptError(`line ${line}: “>” needs the text of a button, as in “> 7d”`);
      steps.push({ kind: "press", label, line });
    } else {
      steps.push({ kind: "send", text, line });
    }
  });
  if (steps.length === 0) throw new ScriptError("the script has no steps: one message per line, “> TEXT” to press a button");
  return steps;
}

/**
 * Steps start at least this far apart, as a person's would: the bot stops answering anyone who sends 20 updates
 * within 10 s (`FLOOD_LIMIT`, `FLOOD_WINDOW_MS`).
 */
export const STEP_PACE_MS = 600;

/**
 * Plays the steps in order, printing the transcript as it goes; stops at the first step that gets no answer.
 * True when every step was answered.
 */
export async function runScript(
  session: ChatSession,
  steps: readonly ScriptStep[],
  print: (lines: string[]) => void,
  timeoutMs: number,
): Promise<boolean> {
  let lastStart = 0;
  for (const step of steps) {
    await new Promise((resolve) => setTimeout(resolve, lastStart + STEP_PACE_MS - Date.now()));
    lastStart = Date.now();
    const outcome = await session.run(step, { timeoutMs });
    print(outcome.lines);
    if (!outcome.answered) {
      const shown = step.kind === "send" ? step.text : step.kind === "press" ? `> ${step.label}` : `/demo-${step.command} ${step.argument}`;
      print([`✗ line ${step.line} (${shown}): ${outcome.problem}`]);
      return false;
    }
  }
  return true;
}
