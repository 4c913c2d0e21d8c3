import type { Translate } from "../../domain/translate.js";
import { isPassingTrouble } from "../../okx/errors.js";
import type { NoFigures, OutsidePeriod } from "../../services/interest.js";
import { escapeHtml } from "../html.js";

/** Why a question has no figures: no key, a key that cannot be read, an account removed, what OKX said, or a period outside what is held. */
export function answerText(t: Translate, answer: NoFigures | OutsidePeriod): string {
  switch (answer.kind) {
    case "outside":
      return t(`interest-period-${answer.reason}`, { days: answer.keepDays });
    case "no-key":
      return t("interest-no-key");
    case "unreadable-key":
      return t("status-unreadable");
    case "account-gone":
      return t("interest-account-gone");
    case "okx-error":
      // Not the key's fault, and not worth /connect again: OKX's answer could not be read.
      if (answer.category === "bad-response") return t("interest-okx-unreadable", { code: escapeHtml(answer.code) });
      return isPassingTrouble(answer.category)
        ? t("interest-okx-down", { code: escapeHtml(answer.code) })
        : t("interest-key-broken", { code: escapeHtml(answer.code), message: escapeHtml(answer.message) });
  }
}
