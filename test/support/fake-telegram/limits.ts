import { ApiFailure, badRequest } from "./failures.js";
import type { FakeTelegramStats, MediaKind } from "./types.js";

/* Telegram's limits on what a bot sends, with the answers it gives past them. */

/** In UTF-16 units, as the text arrives after its markup is parsed. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;
/** Telegram's limits on what bots upload: photos 10 MB, other files 50 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;
export const MAX_UPDATES_PER_POLL = 100;
const RATE_WINDOW_MS = 1000;

export function checkMessageText(text: string): void {
  if (text.length === 0) throw badRequest("message text is empty");
  if (text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
}

export function checkCaption(caption: string): void {
  if (caption.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
}

/** Callback data is counted in UTF-8 bytes, 1 to 64, on buttons the bot sends and on presses a client makes. */
export function isValidCallbackData(data: string): boolean {
  const bytes = Buffer.byteLength(data);
  return bytes >= 1 && bytes <= MAX_CALLBACK_DATA_BYTES;
}

export function checkUploadSize(kind: MediaKind, byteLength: number): void {
  if (byteLength === 0) throw badRequest("file must be non-empty");
  if (byteLength > (kind === "photo" ? MAX_PHOTO_BYTES : MAX_UPLOAD_BYTES)) throw new ApiFailure(413, "Request Entity Too Large");
}

/** Telegram takes photos up to 10,000 px in width and height together, no side more than 20 times the other. */
export function checkPhotoDimensions({ width, height }: { width: number; height: number }): void {
  if (width + height > 10_000 || Math.max(width, height) > 20 * Math.min(width, height)) throw badRequest("PHOTO_INVALID_DIMENSIONS");
}

/** `getUpdates`' `limit`: 1 to 100, 100 when not given. */
export function pollLimit(requested: number | undefined): number {
  return Math.min(Math.max(requested ?? MAX_UPDATES_PER_POLL, 1), MAX_UPDATES_PER_POLL);
}

/** Telegram's flood control: a global cap on deliveries in any sliding second; with no cap, counts only. */
export class FloodControl {
  /** Arrival times, epoch ms, of the deliveries let through. */
  private readonly deliveries: number[] = [];
  private rejected = 0;

  constructor(private readonly messagesPerSecond: number | undefined) {}

  /** Runs `deliver` if the cap allows, and counts it once it succeeded; else answers 429 as Telegram does. */
  run<T>(deliver: () => T): T {
    const now = Date.now();
    if (!this.admits(now)) {
      this.rejected++;
      throw new ApiFailure(429, "Too Many Requests: retry after 1", 1);
    }
    const result = deliver();
    this.deliveries.push(now);
    return result;
  }

  /** Sliding window over the last second of deliveries. */
  private admits(now: number): boolean {
    if (this.messagesPerSecond === undefined) return true;
    let recent = 0;
    for (let i = this.deliveries.length - 1; i >= 0 && now - (this.deliveries[i] ?? 0) < RATE_WINDOW_MS; i--) recent++;
    return recent < this.messagesPerSecond;
  }

  stats(): FakeTelegramStats {
    let busiestSecond = 0;
    for (let start = 0, end = 0; end < this.deliveries.length; end++) {
      while ((this.deliveries[end] ?? 0) - (this.deliveries[start] ?? 0) >= RATE_WINDOW_MS) start++;
      busiestSecond = Math.max(busiestSecond, end - start + 1);
    }
    return { delivered: this.deliveries.length, rejected: this.rejected, busiestSecond };
  }
}
