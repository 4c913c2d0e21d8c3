import { z } from "zod";
import type { AlertKind } from "../domain/alerts.js";
import { CURRENCY, INSTRUMENT, pagedView, viewFields, type MarginMode, type PagedView } from "../domain/view.js";
import { MINUTE_CHOICES } from "../domain/clock-time.js";
import { COMMON_ZONES } from "../domain/time.js";
import { buttonKind } from "./callback-data.js";
import { LOCALES, type Locale } from "./i18n.js";

/** Every kind of button the bot makes, by name: the registry `callback-data.ts` keeps. */

const view = (name: string) => buttonKind<PagedView>(name, viewFields, pagedView);

/** Under a summary and the records, each a view of `/interest`. */
export const interestButtons = {
  /** The summary of a view (periods, modes, ↻ Refresh, ◀ Back). */
  summary: view("iv"),
  /** The currency picker. */
  currencies: view("ic"),
  /** The instrument picker. */
  instruments: view("ii"),
  /** A page of the view's hourly records. */
  records: view("ir"),
  chart: view("ch"),
  export: view("ex"),
  /** The end of /filters: keep the view as the person's default. */
  saveDefault: view("fs"),
};

/** A press in the digest's settings. */
export type DigestPress =
  | { step: "menu" | "show" | "on" | "off" | "stop" | "now" | "time" | "zone" | "loc" | "ccy" | "acct" }
  | { step: "hour"; hour: number }
  | { step: "minute"; hour: number; minute: number }
  | { step: "common-zone"; zone: string }
  /** A currency, or `*` for all of them. */
  | { step: "currency"; ccy: string }
  /** One of the person's accounts by its UID, or `*` for all of them. */
  | { step: "account"; uid: string };

const STEPS = ["menu", "show", "on", "off", "stop", "now", "time", "zone", "loc", "ccy", "acct"] as const;
const hour = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number)
  .pipe(z.number().max(23));
const minute = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number)
  .refine((value) => (MINUTE_CHOICES as readonly number[]).includes(value));
const zoneIndex = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number)
  .pipe(z.number().max(COMMON_ZONES.length - 1))
  .transform((index): string => COMMON_ZONES[index]!);

/** `dg:h:18`, `dg:m:18:30`, `dg:z:3` (zones by their place in `COMMON_ZONES`: names can pass 64 bytes), `dg:c:ETH`. */
export const digestButton = buttonKind<DigestPress>(
  "dg",
  (press) => {
    switch (press.step) {
      case "hour":
        return ["h", String(press.hour)];
      case "minute":
        return ["m", String(press.hour), String(press.minute)];
      case "common-zone":
        return ["z", String(COMMON_ZONES.indexOf(press.zone as (typeof COMMON_ZONES)[number]))];
      case "currency":
        return ["c", press.ccy];
      case "account":
        return ["a", press.uid];
      default:
        return [press.step];
    }
  },
  z.union([
    z.tuple([z.enum(STEPS)]).transform(([step]) => ({ step })),
    z.tuple([z.literal("h"), hour]).transform(([, hour]) => ({ step: "hour" as const, hour })),
    z.tuple([z.literal("m"), hour, minute]).transform(([, hour, minute]) => ({ step: "minute" as const, hour, minute })),
    z.tuple([z.literal("z"), zoneIndex]).transform(([, zone]) => ({ step: "common-zone" as const, zone })),
    z.tuple([z.literal("c"), z.union([z.literal("*"), z.string().regex(CURRENCY)])]).transform(([, ccy]) => ({ step: "currency" as const, ccy })),
    z.tuple([z.literal("a"), z.string().regex(/^(\*|[0-9A-Za-z]{1,32})$/)]).transform(([, uid]) => ({ step: "account" as const, uid })),
  ]),
);

/** `/lang`'s choices. */
export const languageButton = buttonKind<Locale>(
  "lang",
  (locale) => [locale],
  z.tuple([z.enum(LOCALES)]).transform(([locale]) => locale),
);

/** The ⚙ Filters button under a summary, which starts `/filters`. */
export const openButton = buttonKind<"filters">(
  "open",
  (what) => [what],
  z.tuple([z.literal("filters")]).transform(([what]) => what),
);

/** The Cancel button every conversation's questions carry. */
export const CANCEL = "cancel";

/** `/filters`' choices: a currency, mode, instrument, period or page size, `*` for all; or Cancel. */
export const filtersButton = buttonKind<string>(
  "filters",
  (choice) => [choice],
  z
    .tuple([z.union([z.string().regex(/^(\*|[a-z0-9]{1,10})$/), z.string().regex(CURRENCY), z.string().regex(INSTRUMENT)])])
    .transform(([choice]) => choice),
);

/** `/connect`'s choices: the environment, storing a key that can trade, or Cancel. */
export const connectButton = buttonKind<"env:live" | "env:demo" | "store" | typeof CANCEL>(
  "connect",
  (choice) => choice.split(":"),
  z.union([
    z.tuple([z.literal("env"), z.enum(["live", "demo"])]).transform(([, env]) => `env:${env}` as const),
    z.tuple([z.enum(["store", CANCEL])]).transform(([choice]) => choice),
  ]),
);

/** A press in `/accounts` (and `/disconnect` with several accounts): each account by its OKX UID. */
export type AccountPress = { step: "list" | "everything" | "keep" } | { step: "open" | "rename" | "default" | "remove" | "confirm"; uid: string };

const ACCOUNT_STEPS = { o: "open", r: "rename", d: "default", x: "remove", y: "confirm" } as const;
const ACCOUNT_CODES = Object.fromEntries(Object.entries(ACCOUNT_STEPS).map(([code, step]) => [step, code])) as Record<
  (typeof ACCOUNT_STEPS)[keyof typeof ACCOUNT_STEPS],
  keyof typeof ACCOUNT_STEPS
>;

/** `ac:list`, `ac:o:<uid>` (open), `ac:r` rename, `ac:d` make default, `ac:x` remove, `ac:y` confirm removal. */
export const accountButton = buttonKind<AccountPress>(
  "ac",
  (press) => ("uid" in press ? [ACCOUNT_CODES[press.step], press.uid] : [press.step]),
  z.union([
    z.tuple([z.enum(["list", "everything", "keep"])]).transform(([step]) => ({ step })),
    z
      .tuple([z.enum(["o", "r", "d", "x", "y"]), z.string().regex(/^[0-9A-Za-z]{1,32}$/)])
      .transform(([code, uid]) => ({ step: ACCOUNT_STEPS[code], uid })),
  ]),
);

/** The Cancel of `/accounts` → Rename. */
export const renameButton = buttonKind<typeof CANCEL>(
  "rename",
  (choice) => [choice],
  z.tuple([z.literal(CANCEL)]).transform(([choice]) => choice),
);

/** A press in the alert settings or under an alert. */
export type AlertPress =
  | { step: "menu" | "quiet" | "quiet-off" }
  /** Ask for the level of a rule (a currency, or every one: no `ccy`). */
  | { step: "set" | "remove" | "off"; kind: AlertKind; ccy?: string }
  /** Hold one account's rule on one line for 24 h. */
  | { step: "snooze"; uid: string; kind: AlertKind; ccy?: string; line: { ccy: string; mgnMode: MarginMode; instId: string } };

const KIND_CODES: Record<AlertKind, string> = { yearly: "y", spike: "s", daily: "d" };
const kindCode = z.enum(["y", "s", "d"]).transform((code): AlertKind => (code === "y" ? "yearly" : code === "s" ? "spike" : "daily"));
const ruleCcy = z.union([z.literal("*"), z.string().regex(CURRENCY)]).transform((ccy) => (ccy === "*" ? undefined : ccy));
const withCcy = (kind: AlertKind, ccy: string | undefined) => ({ kind, ...(ccy === undefined ? {} : { ccy }) });

/** `al:menu`, `al:set:y:*`, `al:off:s:USDT`, `al:z:<uid>:y:*:USDT:c:-` (the line's currency, mode, instrument). */
export const alertButton = buttonKind<AlertPress>(
  "al",
  (press) => {
    switch (press.step) {
      case "set":
      case "remove":
      case "off":
        return [press.step, KIND_CODES[press.kind], press.ccy ?? "*"];
      case "snooze":
        return [
          "z",
          press.uid,
          KIND_CODES[press.kind],
          press.ccy ?? "*",
          press.line.ccy,
          press.line.mgnMode === "cross" ? "c" : "i",
          press.line.instId || "-",
        ];
      default:
        return [press.step];
    }
  },
  z.union([
    z.tuple([z.enum(["menu", "quiet", "quiet-off"])]).transform(([step]) => ({ step })),
    z.tuple([z.enum(["set", "remove", "off"]), kindCode, ruleCcy]).transform(([step, kind, ccy]) => ({ step, ...withCcy(kind, ccy) })),
    z
      .tuple([
        z.literal("z"),
        z.string().regex(/^\d{1,20}$/),
        kindCode,
        ruleCcy,
        z.string().regex(CURRENCY),
        z.enum(["c", "i"]),
        z.union([z.literal("-"), z.string().regex(INSTRUMENT)]),
      ])
      .transform(([, uid, kind, ccy, lineCcy, mode, instId]) => ({
        step: "snooze" as const,
        uid,
        ...withCcy(kind, ccy),
        line: { ccy: lineCcy, mgnMode: mode === "c" ? ("cross" as const) : ("isolated" as const), instId: instId === "-" ? "" : instId },
      })),
  ]),
);
