import { afterEach, describe, expect, it } from "vitest";
import { answerText } from "../../src/bot/views/answers.js";
import { figureNotes } from "../../src/bot/views/interest.js";
import type { InterestRecord } from "../../src/domain/interest-record.js";
import { Decimal } from "../../src/domain/money.js";
import type { Period } from "../../src/domain/period.js";
import { INTEREST_ACCRUED_PATH } from "../../src/okx/interest-accrued.js";
import type { InterestAnswer } from "../../src/services/interest.js";
import { fillCache } from "../support/cache.js";
import { fakeAccount, generateAccruals, HOUR_MS } from "../support/fake-okx/index.js";
import type { OkxHarness } from "../support/okx-harness.js";
import { record } from "../support/record.js";
import { startService, translate } from "../support/service.js";

const harnesses: OkxHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

const USER = 11;
const DAY_MS = 24 * HOUR_MS;
// 2 Dec 2026, 14:00 in Shanghai.
const NOW = Date.UTC(2026, 11, 2, 6);
const SHANGHAI = "Asia/Shanghai";

/** Records off the hour at the edges of November on Shanghai's clock (UTC+8), each a visible amount. */
const edges = [
  // 07:30 on 1 Nov in Shanghai: November there, October in UTC.
  record({ ts: String(Date.UTC(2026, 9, 31, 23, 30)), interest: "100.5", liab: "1", interestRate: "1" }),
  // 23:30 on 30 Nov in Shanghai: November.
  record({ ts: String(Date.UTC(2026, 10, 30, 15, 30)), interest: "20.25", liab: "1", interestRate: "1" }),
  // 00:30 on 1 Dec in Shanghai: December, though November in UTC.
  record({ ts: String(Date.UTC(2026, 10, 30, 16, 30)), interest: "3.125", liab: "1", interestRate: "1" }),
];

/** What OKX holds of USDT from `from` to `to`, both included, summed independently of the bot. */
const usdtBetween = (records: readonly InterestRecord[], from: number, to: number) =>
  records
    .filter((entry) => entry.ccy === "USDT" && Number(entry.ts) >= from && Number(entry.ts) <= to)
    .reduce((sum, entry) => sum.plus(entry.interest), new Decimal(0))
    .toFixed();

const usdtTotal = (answer: InterestAnswer) => {
  if (answer.kind !== "summary") throw new Error(`no summary: ${JSON.stringify(answer)}`);
  return answer.summary.currencies.find((currency) => currency.ccy === "USDT")?.total.toFixed();
};

async function calendarService(keepDays: number) {
  const account = fakeAccount({ name: `calendar-${keepDays}`, endTs: NOW, hours: 24 * 50 });
  account.records.push(...edges);
  account.records.sort((a, b) => Number(b.ts) - Number(a.ts));
  const started = await startService(account, USER, { now: () => NOW, keepMs: keepDays * DAY_MS });
  harnesses.push(started.harness);
  return { ...started, account };
}

const summaryOf = (service: Awaited<ReturnType<typeof calendarService>>["service"], period: Period, zone = SHANGHAI) =>
  service.summary(USER, { period, ccy: "USDT" }, zone, { priority: "interactive" });

describe("calendar periods", () => {
  it("sum exactly the records inside a month, a year, this month and last month on the person's clock", async () => {
    const { service, account } = await calendarService(730);
    const november = { from: Date.UTC(2026, 9, 31, 16), to: Date.UTC(2026, 10, 30, 16) - 1 };
    const answer = await summaryOf(service, "2026-11");
    expect(answer).toMatchObject({ kind: "summary", summary: { from: november.from, to: november.to } });
    expect(answer).not.toHaveProperty("partialFrom");
    expect(answer).not.toHaveProperty("keptFrom");
    const expected = usdtBetween(account.records, november.from, november.to);
    expect(usdtTotal(answer)).toBe(expected);
    // The edges decide it: 07:30 on 1 Nov and 23:30 on 30 Nov are in, 00:30 on 1 Dec is out.
    const hourly = account.records.filter((entry) => !edges.includes(entry));
    expect(new Decimal(expected).minus(usdtBetween(hourly, november.from, november.to)).toFixed()).toBe("120.75");
    expect(await summaryOf(service, "last-month").then(usdtTotal)).toBe(expected);
    // The same month on UTC's clock is another set of records.
    const utc = usdtBetween(account.records, Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 1) - 1);
    expect(utc).not.toBe(expected);
    expect(await summaryOf(service, "2026-11", "UTC").then(usdtTotal)).toBe(utc);

    const december = await summaryOf(service, "this-month");
    expect(december).toMatchObject({ summary: { from: Date.UTC(2026, 10, 30, 16), to: NOW } });
    expect(usdtTotal(december)).toBe(usdtBetween(account.records, Date.UTC(2026, 10, 30, 16), NOW));
    // A year within OKX's: all of it that OKX has, and nothing said missing (OKX has nothing older).
    const year = await summaryOf(service, "2026");
    expect(year).not.toHaveProperty("keptFrom");
    expect(usdtTotal(year)).toBe(usdtBetween(account.records, Date.UTC(2025, 11, 31, 16), NOW));

    const page = await service.records(USER, { period: "2026-11", ccy: "USDT" }, SHANGHAI, {}, 100);
    expect(page?.[0]?.ts).toBe(edges[1]!.ts);
  });

  it("answer a period older than OKX's year from the cache alone, from where what was kept begins", async () => {
    const { service, account, cache, harness } = await calendarService(730);
    // What a walk saved in 2025 while the key was connected: 10 June to 5 July.
    const kept = generateAccruals({ seed: 8, endTs: Date.UTC(2025, 6, 5), hours: 25 * 24 });
    const keptFrom = Number(kept[kept.length - 1]!.ts);
    await fillCache(cache, account.uid, kept, { from: keptFrom, to: Number(kept[0]!.ts) });
    const asked = harness.fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length;
    const june = await summaryOf(service, "2025-06");
    expect(harness.fake.servedAt(account.uid, INTEREST_ACCRUED_PATH).length).toBe(asked);
    expect(june).toMatchObject({ kind: "summary", keptFrom, summary: { from: Date.UTC(2025, 4, 31, 16) } });
    expect(usdtTotal(june)).toBe(usdtBetween(kept, keptFrom, Date.UTC(2025, 5, 30, 16) - 1));
    if (june.kind !== "summary") return;
    expect(figureNotes(translate("en"), june, { zone: SHANGHAI, locale: "en" })).toEqual([
      expect.stringMatching(/^ℹ️ Figures from 10 Jun 2025 on: I hold nothing older/),
    ]);
    expect(figureNotes(translate("zh"), june, { zone: SHANGHAI, locale: "zh" })).toEqual([expect.stringMatching(/^ℹ️ 数据自 2025年6月10日 起/)]);
  });

  it("say in plain words why a period has no figures: not begun, before what is kept, or none of it held", async () => {
    const { service } = await calendarService(730);
    const t = translate("en");
    const cases: [Period, string][] = [
      ["2027-01", "That period has not begun yet"],
      ["2024-11", "That period ended before the history I keep: the last 730 days."],
      ["2025-02", "I hold nothing of that period"],
    ];
    for (const [period, words] of cases) {
      const answer = await summaryOf(service, period);
      expect(answer.kind).toBe("outside");
      if (answer.kind === "outside") expect(answerText(t, answer)).toContain(words);
    }
    // Keeping OKX's year only: last year's June is before what is kept.
    const { service: yearOnly } = await calendarService(0);
    const june = await summaryOf(yearOnly, "2025-06");
    expect(june).toEqual({ kind: "outside", reason: "before-kept", keepDays: 365 });
    expect(answerText(translate("zh"), june as Extract<InterestAnswer, { kind: "outside" }>)).toContain("最近 365 天");
  });
});
