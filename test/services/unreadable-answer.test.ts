import { afterEach, describe, expect, it } from "vitest";
import { answerText } from "../../src/bot/views/answers.js";
import { figureNotes } from "../../src/bot/views/interest.js";
import { fakeAccount, type FakeOkxAccount } from "../support/fake-okx/index.js";
import type { OkxHarness } from "../support/okx-harness.js";
import { startService, translate } from "../support/service.js";

let harness: OkxHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const USER = 7;

async function serviceFor(account: FakeOkxAccount) {
  const started = await startService(account, USER);
  harness = started.harness;
  return started;
}

describe("an OKX answer the bot could not read", () => {
  it("is refused, logged once at warn with what was wrong, and the person is told in plain words, not to /connect again", async () => {
    const account = fakeAccount({ name: "unreadable", hours: 24 });
    account.records[3]!.interest = "4e-7";
    const { service, lines, cache } = await serviceFor(account);
    const answer = await service.accrued(USER, Date.now() - 3_600_000, { priority: "interactive" });
    expect(answer).toMatchObject({ kind: "okx-error", category: "bad-response", code: "BAD_RESPONSE" });
    if (answer.kind !== "okx-error") return;
    expect(answer.message).toBe('OKX sent interest records the bot could not read: data[3].interest must be a plain decimal string (got "4e-7")');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, user: USER, code: "BAD_RESPONSE", err: { message: answer.message } });
    // Nothing of the page was stored.
    expect(await cache.range(account.uid, 0, Date.now())).toEqual([]);

    const english = answerText(translate("en"), answer);
    expect(english).toContain("OKX sent figures I could not read (BAD_RESPONSE)");
    expect(english).toContain("what I already held is unchanged");
    expect(english).not.toMatch(/refused your key|\/connect/);
    const chinese = answerText(translate("zh"), answer);
    expect(chinese).toContain("OKX 发来了我无法读取的数据（BAD_RESPONSE）");
    expect(chinese).toContain("已保存的数据保持不变");
  });

  it("marks held figures as what was held, not as OKX being down", async () => {
    const account = fakeAccount({ name: "unreadable-later", hours: 24 * 3 });
    const { service, lines } = await serviceFor(account);
    expect(await service.accrued(USER, Date.now() - 24 * 3_600_000, { priority: "interactive" })).toMatchObject({ kind: "records" });
    // A new hour at OKX with a figure written as a number.
    account.records.unshift({
      ...account.records[0]!,
      ts: String(Number(account.records[0]!.ts) + 3_600_000),
      interest: 0.0004 as unknown as string,
    });
    const answer = await service.accrued(USER, Date.now() - 24 * 3_600_000, { priority: "interactive" });
    expect(answer).toMatchObject({ kind: "records", stale: { code: "BAD_RESPONSE", category: "bad-response" } });
    expect(lines).toHaveLength(1);
    if (answer.kind !== "records") return;
    expect(answer.accounts[0]!.records.length).toBeGreaterThan(24 * 4 - 1);

    const display = { zone: "UTC", locale: "en" };
    expect(figureNotes(translate("en"), answer, display)).toEqual([
      expect.stringMatching(
        /^⚠️ OKX sent figures I could not read \(BAD_RESPONSE\)\. I stored none of them; these figures are the ones I held, from /,
      ),
    ]);
    expect(figureNotes(translate("zh"), answer, { ...display, locale: "zh" })).toEqual([
      expect.stringMatching(/^⚠️ OKX 发来了我无法读取的数据（BAD_RESPONSE）。/),
    ]);
  });
});
