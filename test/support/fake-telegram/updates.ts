import type { Update } from "grammy/types";

export type UpdateKind = Exclude<keyof Update, "update_id">;

/** Telegram sends these only when asked for by name in `allowed_updates`. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** The updates waiting for the bot, by long poll or webhook, each with its id, until confirmed. */
export class UpdateQueue {
  /** Updates not yet confirmed by `getUpdates` or delivered to the webhook. */
  private pending: Update[] = [];
  private nextUpdateId = 1;
  private allowed: string[] = [];

  /** Queues the update unless `allowed_updates` leaves its kind out; true if it was queued. */
  add(payload: Omit<Update, "update_id">): boolean {
    const kind = Object.keys(payload)[0] ?? "";
    const allowed = this.allowed.length === 0 ? !OPT_IN_UPDATES.has(kind) : this.allowed.includes(kind);
    if (!allowed) return false;
    this.pending.push({ update_id: this.nextUpdateId++, ...payload });
    return true;
  }

  /** As `getUpdates` and `setWebhook` take `allowed_updates`: a list replaces the last one, anything else leaves it. */
  setAllowed(value: unknown): void {
    if (Array.isArray(value)) this.allowed = value.filter((kind): kind is string => typeof kind === "string");
  }

  /** The kinds the bot asked for, as it gave them (the fake does not check the names); undefined if it named none. */
  allowedKinds(): UpdateKind[] | undefined {
    return this.allowed.length > 0 ? ([...this.allowed] as UpdateKind[]) : undefined;
  }

  /** A positive offset confirms every earlier update; a negative one keeps only the last -offset. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    this.pending = offset > 0 ? this.pending.filter((update) => update.update_id >= offset) : this.pending.slice(offset);
  }

  /** The oldest `limit` updates, handed out and kept: only a later offset confirms them, so a lost answer loses nothing. */
  oldest(limit: number): Update[] {
    return this.pending.slice(0, limit);
  }

  remove(update: Update): void {
    this.pending = this.pending.filter((pending) => pending !== update);
  }

  clear(): void {
    this.pending = [];
  }

  get size(): number {
    return this.pending.length;
  }
}
