import { ApiFailure } from "../support/fake-telegram/failures.js";

/** The error answer `action` throws, as Telegram would give it; fails the test if it throws none or something else. */
export function failureOf(action: () => unknown): { code: number; description: string; retryAfter?: number } {
  try {
    action();
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    return { code: error.code, description: error.description, ...(error.retryAfter !== undefined && { retryAfter: error.retryAfter }) };
  }
  throw new Error("expected an error answer, got none");
}
