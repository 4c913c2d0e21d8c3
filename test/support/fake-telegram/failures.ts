import type { ApiResponse } from "./types.js";

/** An error answer; handlers throw it, the server turns it into Telegram's JSON. */
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  toResponse(): ApiResponse {
    const response: ApiResponse = { ok: false, error_code: this.code, description: this.description };
    if (this.retryAfter !== undefined) response.parameters = { retry_after: this.retryAfter };
    return response;
  }
}

export const badRequest = (detail: string) => new ApiFailure(400, `Bad Request: ${detail}`);
export const forbidden = (detail: string) => new ApiFailure(403, `Forbidden: ${detail}`);
