import { randomBytes } from "node:crypto";
import type { RedisClient } from "./redis.js";

/** How far a message sent once has got, across every replica. */
export type SendState = "sent" | "sending" | "busy";

/** A mark outlives the day it is for, so a late run after an outage still finds it. */
const MARK_TTL_MS = 3 * 24 * 3600_000;

/**
 * Takes the message for this job: free, or held by an earlier run of the same job (BullMQ hands a stalled job
 * to another worker only once its lock expired). Another job's claim, or a send begun within the claim
 * time, is "busy" (try later); an older send that never finished is "sending"; a sent message "sent".
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then
  if current == 'sent' then return 'sent' end
  if string.sub(current, 1, 8) == 'sending:' then
    if redis.call('PTTL', KEYS[1]) > tonumber(ARGV[4]) - tonumber(ARGV[3]) then return 'busy' end
    return 'sending'
  end
  local holder = string.match(current, '^claim:(.*):[^:]*$')
  if holder ~= ARGV[1] then return 'busy' end
end
redis.call('SET', KEYS[1], 'claim:' .. ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 'claimed'
`;

/**
 * From claimed to sending, only for the run that holds the claim: a run that lost it (stalled, taken
 * over) sends nothing. A run already sending (an earlier try of its request got no answer) may not pass
 * again: that try may have been delivered.
 */
const BEGIN = `
local current = redis.call('GET', KEYS[1])
if current == 'sending:' .. ARGV[1] .. ':' .. ARGV[2] then return 'uncertain' end
if current ~= 'claim:' .. ARGV[1] .. ':' .. ARGV[2] then return 'taken-over' end
redis.call('SET', KEYS[1], 'sending:' .. ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 'leave'
`;

/** Telegram answered this run's try with an error (or it never left): back from sending to this run's claim. */
const REFUSED = `
if redis.call('GET', KEYS[1]) == 'sending:' .. ARGV[1] .. ':' .. ARGV[2] then
  redis.call('SET', KEYS[1], 'claim:' .. ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
end
return 0
`;

/** Gives the message back if this run still holds its claim; "sending" stays: that message may have arrived. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == 'claim:' .. ARGV[1] .. ':' .. ARGV[2] then redis.call('DEL', KEYS[1]) end
return 0
`;

/** What a try of a message's request may do, as it is about to leave. */
export type BeginAnswer =
  /** Go: the day is "sending" from now on. */
  | "leave"
  /** Another run holds the message: send nothing. */
  | "taken-over"
  /** An earlier try of this run left and got no answer: it may have arrived, so nothing is sent again. */
  | "uncertain";

export interface SendClaim {
  /** Call right before each try of the request leaves for Telegram. */
  begin(): Promise<BeginAnswer>;
  /** Telegram answered that try with an error, or it never left: nothing was delivered, so the next try may begin. */
  refused(): Promise<void>;
  sent(): Promise<void>;
  /** Nothing was delivered and no try is to follow: a later run may try again. */
  release(): Promise<void>;
}

/**
 * Exactly-once bookkeeping for one message, under any key name (`<prefix><name>`): a digest's day, an
 * alert. A message goes claim → sending → sent, and back from sending to claim only when Telegram
 * answered a try with an error. A claim expires, so a run that died while preparing is taken over;
 * "sending" does not: a run that died, or whose request got no answer, while its message was on the wire
 * may have delivered it, and a second copy is worse than a missing one.
 */
export class SendMarks {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** How long a claim holds while a message is prepared (history from OKX, rendering, waiting for a send slot). */
    private readonly claimMs = 60_000,
  ) {}

  /** Claims the message `name` for a job; a `SendState` when it is not this job's to send. */
  async claim(name: string, jobId: string): Promise<SendClaim | SendState> {
    const key = `${this.prefix}${name}`;
    const token = randomBytes(6).toString("hex");
    const answer = (await this.redis.eval(CLAIM, 1, key, jobId, token, this.claimMs, MARK_TTL_MS)) as string;
    if (answer !== "claimed") return answer as SendState;
    return {
      begin: async () => (await this.redis.eval(BEGIN, 1, key, jobId, token, MARK_TTL_MS)) as BeginAnswer,
      refused: async () => {
        await this.redis.eval(REFUSED, 1, key, jobId, token, this.claimMs);
      },
      sent: async () => {
        await this.redis.set(key, "sent", "PX", MARK_TTL_MS);
      },
      release: async () => {
        await this.redis.eval(RELEASE, 1, key, jobId, token);
      },
    };
  }
}
