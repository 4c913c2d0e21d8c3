import type { Transformer } from "grammy";

/**
 * At most `maxPerWindow` calls to chats start in any sliding `windowMs` (Telegram: about 30 messages a
 * second for a bot), in the order they came, with no wait while there is room. Spacing every call evenly
 * would hold the same limit, but would also hold a person's second call (the edit after "Loading…") for
 * a whole slot while the bot is idle; a reservoir refilled on ticks would let two bursts into one window.
 */
export function sendWindow(maxPerWindow: number, windowMs: number): Transformer {
  /** Start times of the last `maxPerWindow` calls, oldest first. */
  const started: number[] = [];
  let turn: Promise<void> = Promise.resolve();
  const room = async () => {
    const now = Date.now();
    if (started.length >= maxPerWindow) {
      const wait = started[0]! + windowMs - now;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      started.shift();
    }
    started.push(Date.now());
  };
  return (previous, method, payload, signal) => {
    if (payload === undefined || !("chat_id" in payload)) return previous(method, payload, signal);
    const mine = turn.then(room);
    turn = mine;
    return mine.then(() => previous(method, payload, signal));
  };
}
