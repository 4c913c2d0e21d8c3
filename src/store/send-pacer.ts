import { evenSpacing } from "../domain/spacing.js";
import { slotTag, type RedisClient } from "./redis.js";

/**
 * Hands out the next free send time, `ARGV[1]` µs after the last one handed out, on Redis's clock so
 * every replica shares one sequence; answers the wait in ms. A slot is never earlier than a pause
 * Telegram asked for. Times are whole microseconds, written with %.0f: Lua would print them in exponent form.
 */
const NEXT_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], string.format('%.0f', slot + tonumber(ARGV[1])), 'PX', 60000)
return math.floor((slot - now) / 1000)
`;

/**
 * Pushes every later slot past `now + ARGV[1]` µs (Telegram's `retry_after`), and marks the pause in
 * `KEYS[2]` for callers already holding an earlier slot.
 */
const PAUSE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local resume = now + tonumber(ARGV[1])
if resume > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.0f', resume), 'PX', 60000 + math.floor(tonumber(ARGV[1]) / 1000))
end
redis.call('SET', KEYS[2], '1', 'PX', math.max(1, math.floor(tonumber(ARGV[1]) / 1000)))
return 0
`;

/**
 * A caller woken this much after its slot (a busy event loop) takes a new one rather than crowd the next
 * senders: sends then stay within their slot plus this, and a sliding second holds at most
 * (1000 + 10) / spacing + 1 of them (30 at 29 a second, within Telegram's 30).
 */
const LATE_TOLERANCE_MS = 10;
const MAX_TRIES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces messages evenly across every replica (`<prefix>digest:pace`): a rate per second becomes one
 * slot every 1000 / rate ms (`evenSpacing`): no sliding second then holds more than the rate. Slots are
 * taken right before sending, after the slow work, so sends keep the spacing.
 */
export class SendPacer {
  private readonly key: string;
  private readonly pauseKey: string;
  private readonly spacingMicros: number;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    perSecond: number,
  ) {
    // One script touches both: in a cluster they share a slot.
    this.key = `${prefix}digest:${slotTag(redis, "pace")}`;
    this.pauseKey = `${this.key}:pause`;
    this.spacingMicros = Math.round(evenSpacing(perSecond, 1_000_000));
  }

  /** Resolves at this caller's send time: its slot, unless a pause began meanwhile or it woke too late. */
  async slot(): Promise<void> {
    for (let tries = 1; ; tries++) {
      const waitMs = Number(await this.redis.eval(NEXT_SLOT, 1, this.key, this.spacingMicros));
      const due = performance.now() + waitMs;
      if (waitMs > 0) await sleep(waitMs);
      const pausedMs = await this.redis.pttl(this.pauseKey);
      if (pausedMs > 0) await sleep(pausedMs);
      else if (performance.now() - due <= LATE_TOLERANCE_MS || tries >= MAX_TRIES) return;
    }
  }

  /** Telegram said to wait: nobody sends before then. */
  async pause(ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 2, this.key, this.pauseKey, Math.ceil(ms * 1000));
  }
}
