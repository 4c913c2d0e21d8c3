/**
 * Telegram's limits, counted on the HTML sent: Telegram counts the text once its tags are parsed, which is
 * never longer, so what fits here fits there.
 */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** How many of `parts`, from the first, fit in `budget` characters once joined by `separator`. */
export function fitting(parts: readonly string[], budget: number, separator = "\n"): number {
  let used = 0;
  for (let index = 0; index < parts.length; index++) {
    used += parts[index]!.length + (index > 0 ? separator.length : 0);
    if (used > budget) return index;
  }
  return parts.length;
}
