import type { InlineKeyboardButton, Message } from "grammy/types";
import type { ChatDriver } from "../test/support/chat.js";
import type { EndToEnd } from "../test/support/e2e.js";
import type { ApiCall, StoredMessage } from "../test/support/fake-telegram/index.js";
import type { SavedFiles } from "./files.js";
import { inlineButtons, renderBotMessage, renderDeletion, renderNotice, renderPress, renderSent } from "./transcript.js";

/*
 * One person's chat with the bot, step by step: a message or a button press, then everything the bot did in
 * answer, read from the local Bot API's log of calls. A step is answered once the bot has finished the update
 * (it logs each one when it is done), something came of it that a person would see, and the work it set off
 * in the background (a digest to send now) is done.
 */

/** A message to send, a button to press, or one of the demo's own commands (`/demo-spike USDT`), which the bot never sees. */
export type Step = { kind: "send"; text: string } | { kind: "press"; label: string } | { kind: "demo"; command: "spike"; argument: string };

/** What the demo's own commands do (on the fake OKX, in the bot's queue), told back as lines. */
export interface DemoCommands {
  spike(ccy: string): Promise<string[]>;
}

export type StepOutcome = { answered: true; lines: string[] } | { answered: false; lines: string[]; problem: string };

export interface StepOptions {
  timeoutMs: number;
  /** Told of each new first line of a message the bot is still working on (progress edits). */
  onProgress?: (line: string) => void;
}

const POLL_MS = 20;
/** Background work is read from Redis: a little less often. */
const WORK_POLL_MS = 100;
/** After the update is done, how long to keep listening for what it set off (a message sent just after). */
const SETTLE_MS = 150;
/** A step that takes longer than this shows what the bot is doing meanwhile. */
const PROGRESS_AFTER_MS = 1_000;

/** The methods by which a bot shows something new in a chat. */
const SENDS = new Set(["sendMessage", "sendPhoto", "sendDocument"]);

export class ChatSession {
  private cursor: number;
  private readonly ownMessages = new Set<number>();
  private readonly pressed = new Set<string>();
  private handledUpdates: number;
  private readonly chatId: number;

  constructor(
    private readonly e2e: EndToEnd,
    private readonly chat: ChatDriver,
    /** Work the bot does after an update, whose messages belong to the step that set it off (a digest sent now). */
    private readonly workUnderWay: () => Promise<number> = () => Promise.resolve(0),
    /** Where the files the bot sends are written, each shown with its path; without it they are only named. */
    private readonly files?: SavedFiles,
    private readonly demo?: DemoCommands,
  ) {
    this.chatId = chat.user.id;
    this.cursor = e2e.telegram.calls().length;
    this.handledUpdates = this.updatesLogged();
  }

  /** The latest bot message that has buttons: the one a number or `> TEXT` presses on. */
  latestWithButtons(): StoredMessage | undefined {
    return this.botMessages()
      .filter((message) => !message.deleted && inlineButtons(message).length > 0)
      .at(-1);
  }

  /** Every message the bot sent to this chat, as it stands now. */
  botMessages(): StoredMessage[] {
    return this.e2e.telegram.botMessages(this.chatId);
  }

  async run(step: Step, options: StepOptions): Promise<StepOutcome> {
    if (step.kind === "demo") return this.demoStep(step, options);
    if (step.kind === "send") {
      this.ownMessages.add(this.chat.send(step.text).message_id);
      return this.answer(renderSent(step.text), options);
    }
    const target = this.latestWithButtons();
    const buttons = target === undefined ? [] : inlineButtons(target).flat();
    const button = buttons.find((candidate) => candidate.text === step.label) ?? buttons.find((candidate) => candidate.text.includes(step.label));
    if (target === undefined || button === undefined) {
      const shown =
        target === undefined ? "no message has buttons" : `its buttons are ${buttons.map((candidate) => `“${candidate.text}”`).join(", ")}`;
      return { answered: false, lines: [], problem: `no button “${step.label}” on the latest bot message with buttons (${shown})` };
    }
    return this.press(target, button, options);
  }

  /** Presses the n-th button (from 1, in reading order) of the latest message with buttons, as the terminal numbers them. */
  pressNumber(number: number, options: StepOptions): Promise<StepOutcome> | undefined {
    const target = this.latestWithButtons();
    const button = target === undefined ? undefined : inlineButtons(target).flat()[number - 1];
    return target === undefined || button === undefined ? undefined : this.press(target, button, options);
  }

  /** What the bot did since the last step that no step has shown: a digest, a message sent late. */
  unprompted(): string[] {
    const calls = this.since();
    this.cursor += calls.length;
    return this.render(calls, true).lines;
  }

  private async press(target: StoredMessage, button: InlineKeyboardButton, options: StepOptions): Promise<StepOutcome> {
    if (!("callback_data" in button)) {
      const where = "url" in button ? button.url : "somewhere else";
      return { answered: false, lines: renderPress(button.text), problem: `the button “${button.text}” opens ${where}, not an answer from the bot` };
    }
    this.pressed.add(this.e2e.telegram.pressButton(this.chat.user, target, button.callback_data));
    return this.answer(renderPress(button.text), options);
  }

  private async answer(prompt: string[], options: StepOptions): Promise<StepOutcome> {
    const expected = this.handledUpdates + 1;
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    let lastProgress: string | undefined;
    for (;;) {
      const calls = this.since();
      const done = this.updatesLogged() >= expected;
      const { lines, acknowledged } = this.render(calls);
      if (done && (lines.length > 0 || acknowledged)) break;
      if (Date.now() > deadline) {
        this.handledUpdates = expected;
        return this.giveUp(prompt, `no answer within ${seconds(options.timeoutMs)} s`);
      }
      const progress = Date.now() - started > PROGRESS_AFTER_MS ? this.progressLine(calls) : undefined;
      if (progress !== undefined && progress !== lastProgress) options.onProgress?.((lastProgress = progress));
      await sleep(POLL_MS);
    }
    this.handledUpdates = expected;
    await this.settle();
    if ((await this.workUnderWay()) > 0) {
      options.onProgress?.("(the bot is still at work on it…)");
      do {
        if (Date.now() > deadline) return this.giveUp(prompt, `the work it set off was not done within ${seconds(options.timeoutMs)} s`);
        await sleep(WORK_POLL_MS);
      } while ((await this.workUnderWay()) > 0);
      await this.settle();
    }
    const calls = this.since();
    this.cursor += calls.length;
    const { lines } = this.render(calls, true);
    return { answered: true, lines: [...prompt, ...(lines.length > 0 ? lines : renderNotice("(pressed; nothing changed)", false))] };
  }

  /**
   * A command of the demo's own: done on the fakes, then whatever the bot does of itself because of it (an
   * alert) is its answer, once the work it set off is done.
   */
  private async demoStep(step: Extract<Step, { kind: "demo" }>, options: StepOptions): Promise<StepOutcome> {
    const prompt = renderSent(`/demo-${step.command} ${step.argument}`.trim());
    if (this.demo === undefined) return { answered: false, lines: prompt, problem: "demo commands work in the local demo only" };
    const said = (await this.demo.spike(step.argument)).flatMap((line) => renderNotice(line, false));
    const deadline = Date.now() + options.timeoutMs;
    await this.settle();
    while ((await this.workUnderWay()) > 0) {
      if (Date.now() > deadline) return this.giveUp([...prompt, ...said], `the work it set off was not done within ${seconds(options.timeoutMs)} s`);
      await sleep(WORK_POLL_MS);
    }
    await this.settle();
    const calls = this.since();
    this.cursor += calls.length;
    return { answered: true, lines: [...prompt, ...said, ...this.render(calls, true).lines] };
  }

  /** What the bot did show so far, and why that is not an answer. */
  private giveUp(prompt: string[], problem: string): StepOutcome {
    const calls = this.since();
    this.cursor += calls.length;
    return { answered: false, lines: [...prompt, ...this.render(calls, true).lines], problem };
  }

  /** Waits until the bot has been quiet in this chat for a moment. */
  private async settle(): Promise<void> {
    let seen = this.e2e.telegram.calls().length;
    let quietSince = Date.now();
    while (Date.now() - quietSince < SETTLE_MS) {
      await sleep(POLL_MS);
      const now = this.e2e.telegram.calls().length;
      if (now !== seen) {
        seen = now;
        quietSince = Date.now();
      }
    }
  }

  private since(): ApiCall[] {
    return this.e2e.telegram.calls().slice(this.cursor);
  }

  private updatesLogged(): number {
    return this.e2e.bot.logs().filter((line) => line.msg === "update" && line.chat === this.chatId).length;
  }

  private inThisChat(call: ApiCall): boolean {
    if (call.response?.ok !== true) return false;
    if (SENDS.has(call.method)) return (call.response.result as Message).chat.id === this.chatId;
    // Ids arrive as numbers or strings, as the client encoded them.
    return String(call.params.chat_id) === String(this.chatId);
  }

  /**
   * The calls as a person would see them: each message the bot sent or changed, as it stands now (a message
   * sent and deleted within the same answer was a passing note, such as "Checking…", and is left out), each
   * deletion, each notice shown for a pressed button. `shown` when the lines are printed: the files they name
   * are saved then (while a step is under way, a file may still be a passing note that the bot deletes).
   */
  private render(calls: readonly ApiCall[], shown = false): { lines: string[]; acknowledged: boolean } {
    const touched = new Map<number, "new" | "edited">();
    const events: ({ kind: "message"; id: number } | { kind: "lines"; lines: string[] })[] = [];
    let acknowledged = false;
    for (const call of calls) {
      if (call.method === "answerCallbackQuery" && call.response?.ok === true && this.pressed.has(String(call.params.callback_query_id))) {
        acknowledged = true;
        const text = call.params.text;
        if (typeof text === "string" && text !== "") events.push({ kind: "lines", lines: renderNotice(text, call.params.show_alert === true) });
        continue;
      }
      if (!this.inThisChat(call)) continue;
      if (SENDS.has(call.method)) {
        const id = sentMessageId(call);
        touched.set(id, "new");
        events.push({ kind: "message", id });
      } else if (call.method.startsWith("editMessage")) {
        const id = Number(call.params.message_id);
        // Buttons taken off an answered question just vanish, as in a Telegram app; that is no news.
        if (call.method === "editMessageReplyMarkup" && !hasButtons(call.params.reply_markup)) continue;
        if (!touched.has(id)) {
          touched.set(id, "edited");
          events.push({ kind: "message", id });
        }
      } else if (call.method === "deleteMessage") {
        const id = Number(call.params.message_id);
        if (this.ownMessages.has(id)) events.push({ kind: "lines", lines: renderDeletion(true) });
        else if (!touched.has(id)) events.push({ kind: "lines", lines: renderDeletion(false) });
      }
    }
    const messages = new Map(this.e2e.telegram.botMessages(this.chatId).map((message) => [message.message_id, message]));
    const lines = events.flatMap((event) => {
      if (event.kind === "lines") return event.lines;
      const message = messages.get(event.id);
      if (message === undefined || message.deleted) return [];
      return renderBotMessage(message, touched.get(event.id) === "edited", shown ? this.files?.save(message) : undefined);
    });
    return { lines, acknowledged };
  }

  /** The first line of the message the bot touched last, while it is still at work on the update. */
  private progressLine(calls: readonly ApiCall[]): string | undefined {
    const last = [...calls].reverse().find((call) => this.inThisChat(call) && (SENDS.has(call.method) || call.method.startsWith("editMessage")));
    if (last === undefined) return undefined;
    const id = SENDS.has(last.method) ? sentMessageId(last) : Number(last.params.message_id);
    const message = this.e2e.telegram.botMessages(this.chatId).find((candidate) => candidate.message_id === id);
    return (message?.text ?? message?.caption)?.split("\n")[0];
  }
}

function hasButtons(markup: unknown): boolean {
  const rows = (markup as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard ?? [];
  return rows.some((row) => row.length > 0);
}

/** The id of the message a successful send created. */
function sentMessageId(call: ApiCall): number {
  return (call.response as { result: Message }).result.message_id;
}

const seconds = (ms: number) => Math.round(ms / 1000);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
