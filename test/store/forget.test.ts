import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_DIGEST } from "../../src/domain/digest.js";
import { forgetConversation, sealedStateStorage } from "../../src/store/conversation-storage.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { DigestMarks } from "../../src/store/digest-marks.js";
import { MessageClaims } from "../../src/store/message-claims.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { AlertSettingsStore } from "../../src/store/alert-settings.js";
import { AlertState } from "../../src/store/alert-state.js";
import { SendMarks } from "../../src/store/send-marks.js";
import { Vault } from "../../src/store/vault.js";
import { testRedis } from "../support/redis.js";

const vault = new Vault([{ id: "k1", key: randomBytes(32) }]);
const credentials = {
  apiKey: "2bd806c9-7f0e-00af-1a1f-c3328fa763a9",
  secret: "0F3A9C2B7D1E4F5A6B7C8D9E0F1A2B3C",
  passphrase: "Correct-Horse-9!",
  demo: false,
  region: "global" as const,
};
const info = (uid: string) => ({
  uid,
  label: "reader",
  permissions: ["read_only"],
  region: "global" as const,
  demo: false,
  connectedAt: 1_700_000_000_000,
});

describe("each store forgets its own key family for one user, and nobody else's", () => {
  it("credentials: an account is shared until the last of its Telegram users leaves", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    await store.save(7, credentials, info("111"));
    await store.save(77, credentials, info("111"));
    await store.save(8, credentials, info("222"));
    expect(await store.forget(7)).toEqual({ erased: true, accounts: [{ uid: "111", shared: true }] });
    expect(await store.forget(77)).toEqual({ erased: true, accounts: [{ uid: "111", shared: false }] });
    expect(await store.forget(77)).toEqual({ erased: false, accounts: [] });
    expect(await redis.exists(`${prefix}acct:111:users`)).toBe(0);
    expect(await redis.smembers(`${prefix}acct:222:users`)).toEqual(["8"]);
  });

  it("credentials: removing one of a person's accounts leaves that account alone, and the other whole", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    await store.save(7, credentials, info("111"));
    await store.save(7, credentials, info("222"));
    expect(await store.forgetAccount(7, "111")).toEqual({ erased: true, accounts: [{ uid: "111", shared: false }] });
    expect(await redis.exists(`${prefix}acct:111:users`)).toBe(0);
    expect(await redis.smembers(`${prefix}acct:222:users`)).toEqual(["7"]);
    expect((await store.load(7))?.info.uid).toBe("222");
    expect(await store.forget(7)).toEqual({ erased: true, accounts: [{ uid: "222", shared: false }] });
  });

  it("credentials: keys stored before accounts kept their users are found, by a disconnect and by the index", async () => {
    const { redis, prefix } = testRedis();
    const store = new CredentialStore(redis, vault, prefix);
    for (const user of [7, 77, 8]) await store.save(user, credentials, info(user === 8 ? "222" : "111"));
    // As such keys were stored: no account sets at all.
    await redis.del(`${prefix}acct:111:users`, `${prefix}acct:222:users`);
    expect(await store.forget(7)).toEqual({ erased: true, accounts: [{ uid: "111", shared: true }] });
    expect(await redis.smembers(`${prefix}acct:111:users`)).toEqual(["77"]);
    await redis.del(`${prefix}acct:111:users`);
    expect(await store.index()).toBe(2);
    expect(await redis.smembers(`${prefix}acct:111:users`)).toEqual(["77"]);
    expect(await redis.smembers(`${prefix}acct:222:users`)).toEqual(["8"]);
    expect(await store.forget(77)).toEqual({ erased: true, accounts: [{ uid: "111", shared: false }] });
  });

  it("preferences, day marks, the key notice, message claims and conversation state", async () => {
    const { redis, prefix } = testRedis();
    const preferences = new PreferenceStore(redis, prefix);
    const marks = new DigestMarks(redis, prefix);
    const claims = new MessageClaims(redis, prefix);
    const storage = sealedStateStorage<{ step: number }>(redis, vault, 60_000);
    // 77 begins with 7: only what is 7's goes.
    for (const user of [7, 77]) {
      await preferences.setLanguage(user, "zh");
      await preferences.setDigest(user, { ...DEFAULT_DIGEST, on: true });
      for (const date of ["2026-03-28", "now-job-1"]) {
        const claim = await marks.claim(user, date, `job-${user}`);
        if (typeof claim !== "string") await claim.sent();
      }
      await marks.firstKeyNotice(user);
      await claims.claim(user, 10, 60_000);
      await claims.claim(user, 11, 60_000);
      await storage.write(`${prefix}conv:${user}`, { step: 2 });
    }
    const keysOf = async (user: number) => (await redis.keys(`${prefix}*`)).filter((key) => new RegExp(`:${user}(:|$)`).test(key)).sort();
    const kept = await keysOf(77);
    expect(kept).toHaveLength(7);

    await Promise.all([preferences.forget(7), marks.forget(7), claims.forget(7), forgetConversation(redis, prefix, 7)]);
    expect(await keysOf(7)).toEqual([]);
    expect(await keysOf(77)).toEqual(kept);
    expect(await preferences.language(7)).toBeUndefined();
    expect((await preferences.digest(7)).on).toBe(false);
    expect(await preferences.language(77)).toBe("zh");
    expect(await marks.firstKeyNotice(7)).toBe(true);
  });

  it("alert settings, snoozes, what is awaited, the state of each account, the outbox and the send marks", async () => {
    const { redis, prefix } = testRedis();
    const settings = new AlertSettingsStore(redis, prefix);
    const state = new AlertState(redis, prefix);
    const marks = new SendMarks(redis, prefix);
    for (const user of [7, 77]) {
      await settings.set(user, { rules: [{ kind: "yearly", level: "0.2" }], locale: "en" });
      await settings.snooze(user, "111", "yearly:*@USDT|cross|", Date.now() + 60_000);
      await settings.setAwaiting(user, "quiet");
      const alert = { id: `111|yearly:*@USDT|cross||${user}`, uid: "111", account: "reader", rule: { kind: "yearly" as const, level: "0.2" } };
      const line = { ccy: "USDT", mgnMode: "cross", instId: "" };
      const figures = { figure: "0.3", rate: "0.00003", averageRate: "0.00001", liability: "1", next24h: "0.00072" };
      await state.commit(user, "111", 3_600_000, ["yearly:*@USDT|cross|"], [{ ...alert, line, hour: 3_600_000, ...figures }]);
      const claim = await marks.claim(state.markName(user, alert.id), "job");
      if (typeof claim !== "string") await claim.sent();
    }
    const keysOf = async (user: number) => (await redis.keys(`${prefix}*`)).filter((key) => new RegExp(`:${user}(:|$)`).test(key)).sort();
    const kept = await keysOf(77);
    expect(kept).toHaveLength(6);

    await Promise.all([settings.forget(7), state.forget(7)]);
    expect(await keysOf(7)).toEqual([]);
    expect(await keysOf(77)).toEqual(kept);
    expect(await redis.smembers(`${prefix}alerts:users`)).toEqual(["77"]);
    expect((await settings.get(77)).rules).toHaveLength(1);
    expect(await state.pending(77)).toHaveLength(1);
  });
});
