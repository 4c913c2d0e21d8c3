import { Composer, InlineKeyboard } from "grammy";
import { currenciesOf, instrumentsOf } from "../../domain/interest-record.js";
import { PERIOD_NAMES, type RollingPeriod } from "../../domain/period.js";
import { CURRENCY, INSTRUMENT, type AccountChoice, type InterestView, type MarginMode } from "../../domain/view.js";
import { cutText } from "../../domain/text.js";
import type { InterestService } from "../../services/interest.js";
import type { PreferenceStore } from "../../store/preferences.js";
import { nextAnswer } from "../answers.js";
import { CANCEL, filtersButton, interestButtons, openButton } from "../buttons.js";
import { onPress } from "../callback-data.js";
import type { BotContext, BotConversation, ConversationContext } from "../context.js";
import { escapeHtml } from "../html.js";
import { describeView } from "../views/interest.js";

export const FILTERS = "filters";
const ALL = "*";

export interface FiltersDependencies {
  interest: Pick<InterestService, "lines" | "accounts">;
  preferences: Pick<PreferenceStore, "setPageSize">;
}

interface Choice {
  label: string;
  value: string;
}

/**
 * One step: buttons for a finite choice, and typed text where `typed` accepts it. A button of an earlier
 * step, or text that is not valid, gets a short answer and the question stands.
 */
async function choose(
  conversation: BotConversation,
  ctx: ConversationContext,
  prompt: string,
  choices: readonly Choice[],
  typed?: { parse: (text: string) => string | undefined; problem: string },
): Promise<string> {
  const keyboard = new InlineKeyboard();
  choices.forEach((choice, index) => {
    if (index > 0 && index % 4 === 0) keyboard.row();
    keyboard.text(choice.label, filtersButton.data(choice.value));
  });
  keyboard.row().text(ctx.t("button-cancel"), filtersButton.data(CANCEL));
  const question = await ctx.reply(prompt, { parse_mode: "HTML", reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(conversation, ctx, filtersButton);
    const query = answer.callbackQuery;
    if (query !== undefined) {
      const value = query.data === undefined ? undefined : filtersButton.read(query.data);
      if (query.message?.message_id === question.message_id && choices.some((choice) => choice.value === value)) {
        await answer.answerCallbackQuery();
        await answer.editMessageReplyMarkup().catch(() => undefined);
        return value!;
      }
      await answer.answerCallbackQuery({ text: ctx.t("button-stale") });
      continue;
    }
    const text = answer.message?.text?.trim();
    const parsed = text === undefined ? undefined : typed?.parse(text);
    if (parsed !== undefined) return parsed;
    await answer.reply(typed === undefined ? ctx.t("filters-use-buttons") : ctx.t(typed.problem));
  }
}

/** `/filters`: every parameter of the endpoint, step by step, then the summary or the records with them. */
export function filtersConversation(dependencies: FiltersDependencies) {
  return async function filters(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const userId = ctx.from!.id;
    const held = await conversation.external(() => dependencies.interest.accounts(userId));
    const all = { label: ctx.t("button-all"), value: ALL };
    const pick = (value: string) => (value === ALL ? undefined : value);

    await ctx.reply(ctx.t("filters-intro"));
    // A person with several accounts chooses one, or all of them summed, first: the choices after are theirs.
    let account: AccountChoice | undefined;
    if (held.length > 1) {
      const choices = held.map((one) => ({ label: cutText(one.name, 20), value: `s${one.slot}` }));
      const chosen = await choose(conversation, ctx, ctx.t("filters-step-account"), [all, ...choices]);
      account = chosen === ALL ? "all" : Number(chosen.slice(1));
    }
    const lines = await conversation.external(() => dependencies.interest.lines(userId, account));
    const currencies = currenciesOf(lines);
    const ccy = pick(
      await choose(conversation, ctx, ctx.t("filters-step-currency"), [all, ...currencies.map((value) => ({ label: value, value }))], {
        parse: (text) => (CURRENCY.test(text.toUpperCase()) ? text.toUpperCase() : undefined),
        problem: "filters-bad-currency",
      }),
    );
    const mgnMode = pick(
      await choose(conversation, ctx, ctx.t("filters-step-mode"), [
        all,
        { label: ctx.t("button-cross"), value: "cross" },
        { label: ctx.t("button-isolated"), value: "isolated" },
      ]),
    ) as MarginMode | undefined;
    let instId: string | undefined;
    if (mgnMode !== "cross") {
      const instruments = instrumentsOf(lines, ccy);
      instId = pick(
        await choose(conversation, ctx, ctx.t("filters-step-instrument"), [all, ...instruments.map((value) => ({ label: value, value }))], {
          parse: (text) => (INSTRUMENT.test(text.toUpperCase()) ? text.toUpperCase() : undefined),
          problem: "filters-bad-instrument",
        }),
      );
    }
    const period = (await choose(
      conversation,
      ctx,
      ctx.t("filters-step-period"),
      PERIOD_NAMES.map((value) => ({ label: value, value })),
    )) as RollingPeriod;
    const pageSize = Number(
      await choose(
        conversation,
        ctx,
        ctx.t("filters-step-limit"),
        ["10", "25", "50", "100"].map((value) => ({ label: value, value })),
        {
          parse: (text) => (/^\d{1,3}$/.test(text) && Number(text) >= 1 && Number(text) <= 100 ? String(Number(text)) : undefined),
          problem: "filters-bad-limit",
        },
      ),
    );
    await conversation.external(() => dependencies.preferences.setPageSize(userId, pageSize));

    const view: InterestView = {
      period,
      ...(ccy && { ccy }),
      ...(mgnMode && { mgnMode }),
      ...(instId && { instId }),
      ...(account !== undefined && { account }),
    };
    const keyboard = new InlineKeyboard()
      .text(ctx.t("button-show"), interestButtons.summary.data({ view }))
      .text(ctx.t("button-records"), interestButtons.records.data({ view }))
      .row()
      .text(ctx.t("button-save-default"), interestButtons.saveDefault.data({ view }));
    await ctx.reply(ctx.t("filters-done", { view: escapeHtml(describeView(ctx.t, view)), period: ctx.t(`period-${period}`), limit: pageSize }), {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  };
}

/** `/filters` and the ⚙ Filters button start the conversation; "Save as default" keeps its result. */
export function filtersFeature(preferences: Pick<PreferenceStore, "setDefaultView">): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType("private");
  const start = async (ctx: BotContext) => {
    if (ctx.conversation.active(FILTERS) > 0) return ctx.reply(ctx.t("conversation-busy", { conversation: FILTERS }));
    await ctx.conversation.enter(FILTERS);
  };
  privateChats.command("filters", start);
  onPress(feature, openButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });
  onPress(feature, interestButtons.saveDefault, async (ctx, { view }) => {
    await preferences.setDefaultView(ctx.from.id, view);
    await ctx.answerCallbackQuery({ text: ctx.t("filters-saved") });
  });
  return feature;
}
