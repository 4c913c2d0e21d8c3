import { Composer } from "grammy";
import type { BotContext } from "../../context.js";
import { blockedFeature } from "./blocked.js";
import { digestCommand } from "./command.js";
import { digestPresses } from "./presses.js";
import { digestSettings, type DigestFeatureDependencies } from "./settings.js";
import { digestTyping } from "./typed.js";

export type { DigestFeatureDependencies } from "./settings.js";

/**
 * `/digest`: the daily digest's settings with buttons (on/off, hour and minute, time zone, currencies,
 * send now). A time can also be typed at the time step (`18:02`, `8.30`, `21h`) or given to the command
 * (`/digest 18:02`), a zone typed (`Europe/Paris`, or `/digest Europe/Paris`) or taken from a shared
 * location. Every change is saved and the person's schedule moved to match.
 */
export function digestFeature(dependencies: DigestFeatureDependencies): Composer<BotContext> {
  const settings = digestSettings(dependencies);
  return new Composer<BotContext>(
    digestCommand(settings),
    digestTyping(settings),
    blockedFeature(dependencies),
    digestPresses(settings, dependencies.schedule),
  );
}
