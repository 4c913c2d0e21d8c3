import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/bot/i18n.js";
import { displayWidth, padEndTo } from "../../src/bot/views/columns.js";
import { lineName, renderRecords } from "../../src/bot/views/interest.js";
import type { Translate } from "../../src/domain/translate.js";
import { PreferenceStore } from "../../src/store/preferences.js";
import { generateAccruals } from "../support/fake-okx/index.js";
import { testRedis } from "../support/redis.js";

function translations(locale: "en" | "zh"): Translate {
  const i18n = createI18n(new PreferenceStore(testRedis().redis, "unused:"));
  return (key, variables) => i18n.t(locale, key, variables);
}

describe("columns in <pre> blocks", () => {
  it("count a CJK character as two columns", () => {
    expect(displayWidth("逐仓 BTC-USDT")).toBe(13);
    expect(displayWidth("12月2日 09:30")).toBe(13);
    expect(padEndTo("全仓", 6)).toBe("全仓  ");
    expect(displayWidth(padEndTo("cross", 8))).toBe(8);
  });

  it("name margin modes in the person's language and keep the records' columns aligned in Chinese", () => {
    const zh = translations("zh");
    expect(lineName(zh, { mgnMode: "cross", instId: "" })).toBe("全仓");
    expect(lineName(zh, { mgnMode: "isolated", instId: "BTC-USDT" })).toBe("逐仓 BTC-USDT");
    expect(lineName(translations("en"), { mgnMode: "isolated", instId: "BTC-USDT" })).toBe("isolated BTC-USDT");
    const records = generateAccruals({ hours: 3, endTs: Date.UTC(2026, 10, 20) });
    const { text } = renderRecords(zh, { period: "7d" }, {}, records, { zone: "Asia/Shanghai", locale: "zh" });
    const rows = text.slice(text.indexOf("<pre>") + 5, text.indexOf("</pre>")).split("\n");
    expect(rows.length).toBe(records.length + 1);
    expect(rows.slice(1).join("\n")).toMatch(/逐仓 ETH-USDT/);
    // The amount column starts at the same display column on every row.
    const amountColumn = (row: string) => displayWidth(row.slice(0, row.search(/\S+$/)));
    expect(new Set(rows.map(amountColumn)).size).toBe(1);
  });
});
