import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_DIGEST } from "../../src/domain/digest.js";
import { alertForgetting } from "../../src/alerts/forget.js";
import { forgetUser } from "../../src/services/forget.js";
import { forgetConversation } from "../../src/store/conversation-storage.js";
import { CredentialStore } from "../../src/store/credentials.js";
import { DigestMarks } from "../../src/store/digest-marks.js";
import { InterestCache } from "../../src/store/interest-cache.js";
import { MessageClaims } from "../../src/store/message-claims.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { AlertSettingsStore } from "../../src/store/alert-settings.js";
import { AlertState } from "../../src/store/alert-state.js";
import { SendMarks } from "../../src/store/send-marks.js";
import { Vault } from "../../src/store/vault.js";
import { testRedis } from "../support/redis.js";

const USER = 5806613942;
const UID = "918273645501";
const secrets = {
  apiKey: "2bd806c9-7f0e-00af-1a1f-c3328fa763a9",
  secret: "0F3A9C2B7D1E4F5A6B7C8D9E0F1A2B3C",
  passphrase: "Correct-Horse-9!",
  demo: false,
  region: "global" as const,
};
const info = { uid: UID, label: "reader", permissions: ["read_only"], region: "global" as const, demo: false, connectedAt: 1_700_000_000_000 };

describe("forgetUser", () => {
  it("erases what a digest under way writes while it is waited for: its day mark, and the digest turned off after a 403", async () => {
    const { redis, prefix } = testRedis();
    const credentials = new CredentialStore(redis, new Vault([{ id: "k1", key: randomBytes(32) }]), prefix);
    const preferences = new PreferenceStore(redis, prefix);
    const marks = new DigestMarks(redis, prefix);
    await credentials.save(USER, secrets, info);
    await preferences.setLanguage(USER, "zh");
    await preferences.setDigest(USER, { ...DEFAULT_DIGEST, on: true });
    const alertSettings = new AlertSettingsStore(redis, prefix);
    const alertState = new AlertState(redis, prefix);
    await alertSettings.set(USER, { rules: [{ kind: "spike", ccy: "USDT", level: "3" }], locale: "zh" });
    await alertSettings.snooze(USER, UID, "spike:USDT@USDT|cross|", Date.now() + 60_000);

    const seenByTheRun: { on?: boolean; key?: boolean } = {};
    const forget = forgetUser({
      credentials,
      preferences,
      marks,
      claims: new MessageClaims(redis, prefix),
      cache: new InterestCache(redis, prefix),
      conversations: { forget: (chatId) => forgetConversation(redis, prefix, chatId) },
      // An alert check being run as the person disconnects: it evaluates an hour and sends what it decided.
      alerts: alertForgetting({
        settings: alertSettings,
        state: alertState,
        schedule: {
          async forget(userId) {
            await alertState.commit(userId, UID, 3_600_000, ["spike:USDT@USDT|cross|"], []);
            const claim = await new SendMarks(redis, prefix).claim(alertState.markName(userId, "held-1"), "check-run");
            if (typeof claim !== "string") await claim.sent();
          },
        },
      }),
      // A digest being delivered as the person disconnects: it still has the key, and Telegram answers 403.
      digests: {
        async forget(userId) {
          seenByTheRun.on = (await preferences.digest(userId)).on;
          seenByTheRun.key = (await credentials.load(userId)) !== undefined;
          const claim = await marks.claim(userId, "2026-12-01", "repeat:digest-run");
          if (typeof claim !== "string") await claim.sent();
          await preferences.setDigest(userId, { ...DEFAULT_DIGEST, on: false });
        },
      },
    });

    expect(await forget(USER)).toBe(true);
    expect(seenByTheRun).toEqual({ on: false, key: true });
    const left = (await redis.keys(`${prefix}*`)).filter((key) => key.includes(String(USER)) || key.includes(UID));
    expect(left).toEqual([]);
    expect(await redis.sismember(`${prefix}alerts:users`, String(USER))).toBe(0);
    expect(await forget(USER)).toBe(false);
  });
});
