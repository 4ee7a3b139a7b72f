import { createContext, useContext } from "react";

import type { Priority } from "../../machines/priority";
import type { ProblemKey } from "../../machines/rules";
import { TIME_ZONE } from "../../machines/vocabulary";
import type { sv } from "./sv";

/**
 * The translation layer: Swedish first, English second (docs/decisions/003-i18n.md). Every
 * user-facing string is a key in `sv.ts` (the source of truth) with its English text in `en.ts`;
 * the compiler refuses an English file that lacks a key, and a key that does not exist.
 *
 * Plurals use the platform's `Intl.PluralRules`: a message with a count is written as
 * `key_one` / `key_other`, and `t("key", { count })` picks the form. The server renders with the
 * dictionary of the request's language; the browser gets the texts its pages need, a namespace
 * per page route, as content-hashed, cacheable scripts (`/i18n/<lang>.<hash>/<route>.js`,
 * app/i18n/i18n.server.ts) — never in loader data. E-mail texts live apart (mail.sv.ts) and never reach the browser.
 */
export { TIME_ZONE };
export const LANGUAGES = ["sv", "en"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = "sv";

type RawKey = keyof typeof sv;
type PluralBase<K> = K extends `${infer Base}_other` ? Base : never;
/** A key `t()` takes: a plain message, or the base of a plural (`key` for `key_one` / `key_other`). */
export type MessageKey = Exclude<RawKey, `${string}_one` | `${string}_other`> | PluralBase<RawKey>;
/** The keys the machines name exist (this fails to compile when one does not). */
type Exists<K extends MessageKey> = K;
export type MachineTexts = Exists<ProblemKey | `priority.target.${Priority}`>;
/** A language's dictionary: every raw key (plural forms included). */
export type Messages = Record<RawKey, string>;
export type Params = Record<string, string | number>;

/** A message to be translated where it is shown: a key and its parameters. */
export type Msg = { key: MessageKey; params?: Params };

/**
 * The namespace of what a route's action answers with and nothing else draws (its errors, its
 * "done"): loaded with a submission, not with the page (`routes/cab` → `routes/cab~answers`).
 */
export const answersOf = (routeId: string): string => `${routeId}~answers`;

/** A namespace's file under its language's base URL: the route id without "routes/" ("root.js", "cases.$number.js", "cab~answers.js"). */
export function namespaceFile(routeId: string): string {
  return `${routeId.replace(/^routes\//, "")}.js`;
}

export function isLang(value: unknown): value is Lang {
  return value === "sv" || value === "en";
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const localeOf: Record<Lang, string> = { sv: "sv-SE", en: "en-GB" };

export function makeTranslator(lang: Lang, messages: Readonly<Record<string, string>>) {
  const locale = localeOf[lang];
  const plural = new Intl.PluralRules(locale);
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const dateOnly = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, year: "numeric", month: "short", day: "numeric", weekday: "short" });
  const list = new Intl.ListFormat(locale, { style: "long", type: "conjunction" });
  const formatDate = (value: Date | string) =>
    dateOnly.format(typeof value === "string" && ISO_DATE.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value));
  const formatDateTime = (value: Date | string) => dateTime.format(new Date(value));
  // A date or a moment in a message (an error's earliest start, an extension's end) reads as the
  // page shows dates, whoever made the message: the server's rules give ISO strings.
  const shown = (params?: Params): Params | undefined =>
    params &&
    Object.fromEntries(
      Object.entries(params).map(([name, value]) => [
        name,
        typeof value !== "string" ? value : ISO_DATE.test(value) ? formatDate(value) : ISO_MOMENT.test(value) ? formatDateTime(value) : value,
      ]),
    );
  const lookup = (key: string, params?: Params): string => {
    const direct = messages[key];
    if (direct !== undefined) return interpolate(direct, shown(params));
    const count = Number(params?.count);
    const form = messages[`${key}_${plural.select(Number.isFinite(count) ? count : 0)}`] ?? messages[`${key}_other`];
    return form !== undefined ? interpolate(form, shown(params)) : key;
  };
  const t = (key: MessageKey | Msg, params?: Params): string => (typeof key === "object" ? lookup(key.key, key.params) : lookup(key, params));
  /** Whether a key made from stored data (an audit action, a template name) has a text. */
  const has = (key: string): key is MessageKey =>
    Object.prototype.hasOwnProperty.call(messages, key) || Object.prototype.hasOwnProperty.call(messages, `${key}_other`);
  /** The text for a key made from stored data, or `fallback` when there is none. */
  const textOr = (key: string, fallback: string, params?: Params): string => (has(key) ? lookup(key, params) : fallback);
  return {
    lang,
    /** The scripts of the page's texts (a page's translator on the server only; app/i18n/i18n.server.ts). */
    scripts: [] as readonly string[],
    t,
    has,
    textOr,
    /** A moment, shown in Europe/Stockholm. */
    formatDateTime,
    /** A calendar date (YYYY-MM-DD) or a moment's Stockholm date. */
    formatDate,
    /** "A, B och C" / "A, B and C". */
    formatList: (items: readonly string[]) => list.format(items),
  };
}

export type Translator = ReturnType<typeof makeTranslator>;

export const I18nContext = createContext<Translator | null>(null);

export function useT(): Translator {
  const translator = useContext(I18nContext);
  if (!translator) throw new Error("useT() outside <I18nContext.Provider>");
  return translator;
}

/**
 * What the texts' scripts (`/i18n/<lang>.<hash>/<name>.js`) set before the page hydrates: the
 * language, where its pieces are, the namespaces loaded so far and their texts, merged.
 */
declare global {
  interface Window {
    __i18n?: { lang: Lang; base: string; loaded: string[]; messages: Partial<Messages> };
  }
}
