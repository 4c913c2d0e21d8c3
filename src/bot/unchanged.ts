import { GrammyError } from "grammy";

/** Telegram refuses an edit that changes nothing ("message is not modified"): for a refresh or a repeated press that is no failure. */
export async function unlessUnchanged(edit: Promise<unknown>): Promise<void> {
  try {
    await edit;
  } catch (error) {
    if (!(error instanceof GrammyError && error.description.includes("message is not modified"))) throw error;
  }
}
