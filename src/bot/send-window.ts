import type { Transformer } from "grammy";

/**
 * A first-come gate: at most `maxPerWindow` starts in any sliding `windowMs`, with no wait (and no timer)
 * while there is room. Spacing every start evenly would hold the same limit, but would also hold a
 * person's second call (the edit after "Loading…") for a whole slot while the bot is idle; a reservoir
 * refilled on ticks would let two bursts into one window.
 */
function slidingWindow(maxPerWindow: number, windowMs: number): () => Promise<void> {
  /** Start times of the last `maxPerWindow` passes, oldest first. */
  const started: number[] = [];
  let turn: Promise<void> = Promise.resolve();
  const room = async () => {
    if (started.length >= maxPerWindow) {
      // A timer may fire a millisecond early, and the call leaves a moment after its pass: a millisecond spare.
      for (let wait = started[0]! + windowMs + 1 - Date.now(); wait > 0; wait = started[0]! + windowMs + 1 - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      started.shift();
    }
    started.push(Date.now());
  };
  return () => (turn = turn.then(room));
}

const chatOf = (payload: Record<string, unknown> | undefined) =>
  payload !== undefined && "chat_id" in payload ? String(payload.chat_id) : undefined;

/** At most `maxPerWindow` calls to chats start in any sliding `windowMs` (Telegram: about 30 a second for a bot). */
export function sendWindow(maxPerWindow: number, windowMs: number): Transformer {
  const pass = slidingWindow(maxPerWindow, windowMs);
  return (previous, method, payload, signal) => {
    if (chatOf(payload) === undefined) return previous(method, payload, signal);
    return pass().then(() => previous(method, payload, signal));
  };
}

/**
 * Telegram's limits per chat: one call at a time to each chat, in order, and at most `groupMax` in any
 * sliding `groupWindowMs` to a group (20 a minute). A chat's queue is forgotten once it is empty.
 */
export function perChat(groupMax = 20, groupWindowMs = 60_000): Transformer {
  const queues = new Map<string, { tail: Promise<unknown>; pending: number; group?: () => Promise<void> }>();
  return (previous, method, payload, signal) => {
    const chat = chatOf(payload);
    if (chat === undefined) return previous(method, payload, signal);
    let queue = queues.get(chat);
    if (queue === undefined) queues.set(chat, (queue = { tail: Promise.resolve(), pending: 0 }));
    const isGroup = chat.startsWith("-");
    if (isGroup) queue.group ??= slidingWindow(groupMax, groupWindowMs);
    const current = queue;
    current.pending++;
    const call = current.tail.then(() => (isGroup ? current.group!() : undefined)).then(() => previous(method, payload, signal));
    // The tail only orders the next call: its failure is the caller's, and must not reject unseen once no call follows.
    current.tail = call
      .catch(() => undefined)
      .finally(() => {
        if (--current.pending === 0 && queues.get(chat) === current && !isGroup) queues.delete(chat);
      });
    return call;
  };
}
