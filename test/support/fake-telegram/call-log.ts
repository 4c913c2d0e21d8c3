import type { ApiCall, CallMatcher } from "./types.js";

export const DEFAULT_WAIT_MS = 5000;

interface Waiter {
  onCall(call: ApiCall): void;
  onClose(): void;
}

function describeCall(call: ApiCall): string {
  const params = JSON.stringify(call.params);
  const shown = params.length > 160 ? `${params.slice(0, 157)}...` : params;
  const outcome =
    call.response === undefined ? "(client left)" : call.response.ok ? "ok" : `${call.response.error_code} ${call.response.description}`;
  return `#${call.index} ${call.method} ${shown} -> ${outcome}`;
}

/** Every API call the fake answered, in order, and those waiting for the next one to match. */
export class CallLog {
  private readonly log: ApiCall[] = [];
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  record(entry: Omit<ApiCall, "index">): void {
    const call: ApiCall = { index: this.log.length, ...entry };
    this.log.push(call);
    for (const waiter of [...this.waiters]) waiter.onCall(call);
  }

  calls(method?: string): ApiCall[] {
    if (method === undefined) return [...this.log];
    return this.log.filter((call) => call.method.toLowerCase() === method.toLowerCase());
  }

  onCall(listener: (call: ApiCall) => void): () => void {
    const waiter: Waiter = { onCall: listener, onClose: () => undefined };
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  waitFor(matcher: CallMatcher, timeoutMs = DEFAULT_WAIT_MS, fromIndex?: number): Promise<ApiCall> {
    const matches = typeof matcher === "string" ? (call: ApiCall) => call.method.toLowerCase() === matcher.toLowerCase() : matcher;
    const what = typeof matcher === "string" ? `to ${matcher}` : "matching the predicate";
    return this.waitForCall(matches, timeoutMs, fromIndex, what);
  }

  /** `what` completes the error messages: "no API call <what> within …". */
  waitForCall(matches: (call: ApiCall) => boolean, timeoutMs: number, fromIndex: number | undefined, what: string): Promise<ApiCall> {
    if (fromIndex !== undefined) {
      const earlier = this.log.slice(fromIndex).find(matches);
      if (earlier !== undefined) return Promise.resolve(earlier);
    }
    if (this.closed) return Promise.reject(new Error(`waitFor: the fake Telegram is closed; no call ${what} will come`));
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        onCall: (call) => {
          try {
            if (!matches(call)) return;
            finish();
            resolve(call);
          } catch (error) {
            finish();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        onClose: () => {
          finish();
          reject(new Error(`waitFor: the fake Telegram closed before a call ${what}`));
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waitFor: no API call ${what} within ${timeoutMs} ms; ${this.recentCalls()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Fails every wait under way and those asked for from now on: no call will come. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.onClose();
  }

  private recentCalls(): string {
    if (this.log.length === 0) return "no API calls at all";
    return `the last calls were:\n  ${this.log.slice(-10).map(describeCall).join("\n  ")}`;
  }
}
