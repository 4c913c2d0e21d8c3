import { Composer } from "grammy";
import { formatDateTimeYear, zoneLabel } from "../../domain/time.js";
import { REGION_NAMES } from "../../okx/regions.js";
import type { CredentialStore } from "../../store/credentials.js";
import { VaultError } from "../../store/vault.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { nameOf } from "./accounts.js";

export interface StatusDependencies {
  credentials: Pick<CredentialStore, "accounts" | "load">;
}

/** `/status` shows each connected key (masked); `/accounts` manages them, `/disconnect` erases them. */
export function statusFeature(dependencies: StatusDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");

  privateChats.command("status", async (ctx) => {
    const entries = await dependencies.credentials.accounts(ctx.from.id);
    if (entries.length === 0) return ctx.reply(ctx.t("status-none"));
    const display = await ctx.display();
    const blocks: string[] = [];
    for (const entry of entries) {
      let connection;
      try {
        connection = await dependencies.credentials.load(ctx.from.id, entry.uid);
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
      }
      if (connection === undefined) {
        blocks.push(ctx.t("status-unreadable"));
        continue;
      }
      const { info, maskedKey } = connection;
      blocks.push(
        ctx.t("status-connected", {
          mask: escapeHtml(maskedKey),
          label: escapeHtml(nameOf(info)),
          env: ctx.t(info.demo ? "env-demo" : "env-live"),
          permissions: escapeHtml(info.permissions.join(", ")),
          region: REGION_NAMES[info.region],
          since: formatDateTimeYear(info.connectedAt, display),
          zone: zoneLabel(info.connectedAt, display.zone),
        }),
      );
    }
    if (entries.length > 1) blocks.push(ctx.t("status-several", { count: entries.length }));
    return ctx.reply(blocks.join("\n\n"), { parse_mode: "HTML" });
  });
  return feature;
}
