import type { InlineKeyboard } from "grammy";
import { describe, expect, it } from "vitest";
import { interestButtons } from "../../src/bot/buttons.js";
import { createI18n } from "../../src/bot/i18n.js";
import { CAPTION_LIMIT, MESSAGE_LIMIT } from "../../src/bot/views/budget.js";
import { chartCaption } from "../../src/bot/views/chart.js";
import { alertRenderer } from "../../src/bot/views/alerts.js";
import { currencyKeyboard, digestKeyboard, renderDigest } from "../../src/bot/views/digest.js";
import { accountLine, pickerKeyboard, renderRecords, renderSummary, summaryKeyboard } from "../../src/bot/views/interest.js";
import type { Translate } from "../../src/domain/translate.js";
import { evaluateAlerts, lineFigures, pendingAlert } from "../../src/domain/alerts.js";
import { dailyInterest } from "../../src/domain/daily.js";
import { buildDigest, DEFAULT_DIGEST, digestWindows } from "../../src/domain/digest.js";
import { recordsPage, type RecordsPage } from "../../src/domain/records-page.js";
import { combineAccounts, summarize } from "../../src/domain/summary.js";
import { localDate } from "../../src/domain/time.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";
import { WIDE_CURRENCIES as CURRENCIES, WIDE_LINES as LINES } from "../support/wide-account.js";

function translations(locale: "en" | "zh"): Translate {
  const i18n = createI18n(new PreferenceStore(testRedis().redis, "unused:"));
  return (key, variables) => i18n.t(locale, key, variables);
}

const NOW = Date.UTC(2026, 11, 1, 9, 30);
const records = generateAccruals({ endTs: NOW, hours: 7 * 24, lines: LINES });
const display = { zone: "Asia/Kolkata", locale: "en" };
const notes = [
  "⚠️ OKX is not answering (50001): these figures are the ones I held, from 1 Dec 2026 08:00.",
  "⏳ Figures from 24 Nov 2026 on: the rest of your history is loading.",
];

const callbackData = (keyboard: InlineKeyboard) =>
  keyboard.inline_keyboard.flat().flatMap((button) => ("callback_data" in button ? [button.callback_data] : []));

function expectButtonsFit(keyboard: InlineKeyboard): void {
  for (const data of callbackData(keyboard)) expect(Buffer.byteLength(data), data).toBeLessThanOrEqual(64);
}

describe.each(["en", "zh"] as const)("messages for an account of 40 lines and 20 currencies (%s)", (locale) => {
  it("keep a summary within 4,096 characters, the costliest first, saying what they left out", () => {
    const t = translations(locale);
    expect(LINES).toHaveLength(40);
    const summary = summarize(records, NOW - 7 * 24 * HOUR_MS, NOW);
    expect(summary.currencies).toHaveLength(20);
    const text = renderSummary(t, { period: "7d" }, summary, { ...display, locale, now: NOW, notes, account: [] });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain(summary.currencies[0]!.ccy);
    expect(text).toContain(t("interest-more", { count: 20 - 6 }).slice(0, 8));
    const usdt = renderSummary(
      t,
      { period: "7d", ccy: "USDT" },
      summarize(
        records.filter((record) => record.ccy === "USDT"),
        NOW - 7 * 24 * HOUR_MS,
        NOW,
      ),
      { ...display, locale, now: NOW, notes, account: [] },
    );
    expect(usdt.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(usdt).toContain(t("interest-more-lines", { count: 21 - 12, ccy: "USDT" }));
    expectButtonsFit(summaryKeyboard(t, { period: "90d", ccy: "USDT", mgnMode: "isolated", instId: "MATIC-USDT" }, { held: [], shown: "all" }));
    expectButtonsFit(pickerKeyboard(t, { period: "90d" }, "instId", LINES.map((line) => line.instId).filter(Boolean)));
    expectButtonsFit(pickerKeyboard(t, { period: "90d" }, "ccy", CURRENCIES));
  });

  it("keep a summary of ten accounts summed within 4,096 characters, each currency split by account, every button within 64 bytes", () => {
    const t = translations(locale);
    const held = Array.from({ length: 10 }, (_, slot) => ({ slot, uid: `5${slot}`.repeat(8), name: `Sub-account with a long name ${slot}` }));
    const each = held.map((account) => ({ name: account.name, summary: summarize(records, NOW - 7 * 24 * HOUR_MS, NOW) }));
    const summary = combineAccounts(summarize(records.concat(records), NOW - 7 * 24 * HOUR_MS, NOW), each);
    const accounts = { held, shown: "all" as const };
    const text = renderSummary(t, { period: "7d", account: "all" }, summary, {
      ...display,
      locale,
      now: NOW,
      notes,
      account: accountLine(t, accounts),
    });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain(t("interest-by-account"));
    expect(text).toContain("Sub-account with a l");
    const keyboard = summaryKeyboard(t, { period: "90d", ccy: "USDT", mgnMode: "isolated", instId: "MATIC-USDT", account: 9 }, accounts);
    expectButtonsFit(keyboard);
    expect(callbackData(keyboard)).toContain(
      interestButtons.summary.data({ view: { period: "90d", ccy: "USDT", mgnMode: "isolated", instId: "MATIC-USDT", account: "all" } }),
    );
  });

  it("keep what quiet hours held on every line within 4,096 characters: eight alerts with their buttons, the rest counted", () => {
    const t = translations(locale);
    const newest = Math.max(...records.map((record) => Number(record.ts)));
    const figures = lineFigures(records, newest);
    expect(figures.length).toBeGreaterThan(20);
    const { crossings } = evaluateAlerts([{ kind: "yearly", level: "0.0001" }], figures, new Set());
    const account = { uid: "123456789012", label: "a-label-of-a-key-that-is-quite-long" };
    const held = crossings.map((crossing) => pendingAlert(crossing, account, NOW));
    const { text, keyboard } = alertRenderer.alerts(t, held, { ...display, locale });
    expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(text).toContain(t("alert-more", { count: held.length - 8 }));
    expect(keyboard.inline_keyboard).toHaveLength(8);
    expectButtonsFit(keyboard);
  });

  it.each([1, 10, 25, 50, 100])("keep records within 4,096 characters at %i a page, and every record on exactly one page", (size) => {
    const t = translations(locale);
    const view = { period: "7d" as const, mgnMode: "isolated" as const };
    const matching = records.filter((record) => record.mgnMode === "isolated").slice(0, 600);
    const seen: string[] = [];
    let page: RecordsPage = {};
    for (let guard = 0; guard < 2000; guard++) {
      const { text, keyboard } = renderRecords(t, view, page, recordsPage(matching, page, size), { ...display, locale });
      expect(text.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expectButtonsFit(keyboard);
      const rows = text
        .slice(text.indexOf("<pre>") + 5, text.indexOf("</pre>"))
        .split("\n")
        .slice(1);
      if (text.includes(t("records-empty"))) break;
      seen.push(...rows);
      const older = callbackData(keyboard)
        .map((data) => interestButtons.records.read(data))
        .find((decoded) => decoded?.page?.after !== undefined);
      page = older!.page!;
    }
    expect(seen).toHaveLength(matching.length);
  });

  it("keep a digest and a chart caption within their limits, and the digest's buttons within 64 bytes", () => {
    const t = translations(locale);
    const due = Date.UTC(2026, 11, 1, 3, 30);
    const windows = digestWindows(localDate(due, "Asia/Kolkata"), "Asia/Kolkata");
    const digest = buildDigest(records, windows, due, []);
    expect(digest.currencies.length).toBe(20);
    expect(renderDigest(t, [{ digest }], { ...display, locale, now: due, notes, lateFrom: due }).length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expectButtonsFit(digestKeyboard(t, [{ digest }]));
    expectButtonsFit(currencyKeyboard(t, { ...DEFAULT_DIGEST, currencies: CURRENCIES }, CURRENCIES));
    const daily = dailyInterest(records, NOW - 7 * 24 * HOUR_MS, NOW, "Asia/Kolkata");
    expect(chartCaption(t, locale, { period: "7d" }, daily, notes).length).toBeLessThanOrEqual(CAPTION_LIMIT);
  });
});
