import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { answerText } from "../../src/bot/features/interest.js";
import { createI18n } from "../../src/bot/i18n.js";
import { figureNotes, type Translate } from "../../src/bot/views/interest.js";
import { OkxError } from "../../src/okx/errors.js";
import type { HistoryLoader } from "../../src/services/history.js";
import { InterestService } from "../../src/services/interest.js";
import type { CredentialStore } from "../../src/store/credentials.js";
import type { InterestCache } from "../../src/store/interest-cache.js";
import type { PreferenceStore } from "../../src/store/preferences.js";

const MESSAGE = 'OKX sent interest records the bot could not read: data[3].interest must be a plain decimal string (got "4e-7")';
const NOW = Date.UTC(2026, 10, 1, 12);

/** The service with OKX refusing to be read, and a cache that holds `held` (or nothing); every log line kept. */
function refusedService(held: { from: number; to: number } | undefined) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const connection = { credentials: {}, info: { uid: "42", label: "main" }, maskedKey: "" };
  const service = new InterestService({
    credentials: { load: () => Promise.resolve(connection) } as unknown as CredentialStore,
    cache: {
      state: () => Promise.resolve({ spans: held === undefined ? [] : [held], refreshedAt: held?.to ?? 0 }),
      range: () => Promise.resolve([]),
    } as unknown as InterestCache,
    history: { ensure: () => Promise.reject(new OkxError({ code: "BAD_RESPONSE", category: "bad-response", message: MESSAGE })) } as unknown as HistoryLoader,
    logger: pino({ level: "info" }, sink),
    now: () => NOW,
  });
  return { service, lines };
}

const i18n = createI18n({} as PreferenceStore);
const translate =
  (locale: string): Translate =>
  (key, variables) =>
    i18n.t(locale, key, variables);

describe("an OKX answer the bot could not read", () => {
  it("is logged once at warn with what was wrong, and the person is told in plain words, not to /connect again", async () => {
    const { service, lines } = refusedService(undefined);
    const answer = await service.accrued(7, NOW - 3_600_000, { priority: "interactive" });
    expect(answer).toEqual({ kind: "okx-error", category: "bad-response", code: "BAD_RESPONSE", message: MESSAGE });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, user: 7, code: "BAD_RESPONSE", err: { message: MESSAGE } });
    if (answer.kind !== "okx-error") return;

    const english = answerText(translate("en"), answer);
    expect(english).toContain("OKX sent figures I could not read (BAD_RESPONSE)");
    expect(english).toContain("what I already held is unchanged");
    expect(english).not.toMatch(/refused your key|\/connect/);
    const chinese = answerText(translate("zh"), answer);
    expect(chinese).toContain("OKX 发来了我无法读取的数据（BAD_RESPONSE）");
    expect(chinese).toContain("已保存的数据保持不变");
  });

  it("marks held figures as what was held, not as OKX being down", async () => {
    const { service, lines } = refusedService({ from: NOW - 30 * 86_400_000, to: NOW - 3_600_000 });
    const answer = await service.accrued(7, NOW - 3_600_000, { priority: "interactive" });
    expect(answer).toMatchObject({ kind: "records", stale: { code: "BAD_RESPONSE", category: "bad-response", asOf: NOW - 3_600_000 } });
    expect(lines).toHaveLength(1);
    if (answer.kind !== "records") return;

    const display = { zone: "UTC", locale: "en" };
    expect(figureNotes(translate("en"), answer, display)).toEqual([expect.stringMatching(/^⚠️ OKX sent figures I could not read \(BAD_RESPONSE\)\. I stored none of them; these figures are the ones I held, from /)]);
    expect(figureNotes(translate("zh"), answer, { ...display, locale: "zh" })).toEqual([expect.stringMatching(/^⚠️ OKX 发来了我无法读取的数据（BAD_RESPONSE）。/)]);
  });
});
