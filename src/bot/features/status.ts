import { Composer } from "grammy";
import { formatDateTimeYear, zoneLabel } from "../../domain/time.js";
import { REGION_NAMES } from "../../okx/regions.js";
import type { CredentialStore } from "../../store/credentials.js";
import { VaultError } from "../../store/vault.js";
import type { BotContext } from "../context.js";
import { escapeHtml } from "../html.js";

export interface StatusDependencies {
  credentials: Pick<CredentialStore, "load">;
  /** Erases everything stored for a user: the key, settings, digests, and whatever was derived from them. */
  forget(userId: number): Promise<boolean>;
}

/** `/status` shows the connected key (masked); `/disconnect` erases it and everything derived from it. */
export function statusFeature(dependencies: StatusDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");

  privateChats.command("status", async (ctx) => {
    let connection;
    try {
      connection = await dependencies.credentials.load(ctx.from.id);
    } catch (error) {
      if (error instanceof VaultError) return ctx.reply(ctx.t("status-unreadable"));
      throw error;
    }
    if (connection === undefined) return ctx.reply(ctx.t("status-none"));
    const { info, maskedKey } = connection;
    const display = await ctx.display();
    return ctx.reply(
      ctx.t("status-connected", {
        mask: escapeHtml(maskedKey),
        label: escapeHtml(info.label || "—"),
        env: ctx.t(info.demo ? "env-demo" : "env-live"),
        permissions: escapeHtml(info.permissions.join(", ")),
        region: REGION_NAMES[info.region],
        since: formatDateTimeYear(info.connectedAt, display),
        zone: zoneLabel(info.connectedAt, display.zone),
      }),
      { parse_mode: "HTML" },
    );
  });

  privateChats.command("disconnect", async (ctx) => {
    // A conversation running here (a /connect half done) ends too, so the plugin does not write its state back.
    await ctx.conversation.exitAll();
    const erased = await dependencies.forget(ctx.from.id);
    await ctx.reply(ctx.t(erased ? "disconnect-done" : "disconnect-none"));
  });
  return feature;
}
