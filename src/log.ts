import { pino, type Logger } from "pino";

export type { Logger };

/** Field names whose values are secret wherever they appear in a log line. */
const SECRET_FIELDS = ["apiKey", "secret", "passphrase", "token", "botToken", "authorization", "password"];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
  'headers["ok-access-key"]',
  'headers["ok-access-passphrase"]',
  'headers["ok-access-sign"]',
  '*.headers["ok-access-key"]',
  '*.headers["ok-access-passphrase"]',
  '*.headers["ok-access-sign"]',
];

/**
 * JSON lines with secrets redacted; pretty-printed when a person is watching a terminal. Written
 * asynchronously: a synchronous write to a pipe blocks the whole bot while the reader is slow; call
 * `flush()` before exiting.
 */
export function createLogger(level: string): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { service: "okx-interest-bot" },
  };
  if (process.stdout.isTTY && process.env.NODE_ENV !== "production") {
    return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true } } });
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
