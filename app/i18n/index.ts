import { createContext, useContext } from "react";

import type { Messages, MessageKey } from "./sv";

/**
 * The translation layer: Swedish first, English second. Every user-facing string is a key in
 * `sv.ts` (the source of truth) with its English text in `en.ts`; the compiler refuses an English
 * file that lacks a key. The server picks the language (cookie, then Accept-Language) and hands
 * the chosen dictionary to the page through the root loader, so the browser bundle carries no
 * dictionary at all.
 */
export const LANGUAGES = ["sv", "en"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = "sv";
import { TIME_ZONE } from "../../machines/vocabulary";

export { TIME_ZONE };

export type { MessageKey, Messages };
export type Params = Record<string, string | number>;

/** A message to be translated where it is shown: a key and its parameters. */
export type Msg = { key: MessageKey; params?: Params };

export function isLang(value: unknown): value is Lang {
  return value === "sv" || value === "en";
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const localeOf: Record<Lang, string> = { sv: "sv-SE", en: "en-GB" };

export function makeTranslator(lang: Lang, messages: Messages) {
  const dateTime = new Intl.DateTimeFormat(localeOf[lang], {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const dateOnly = new Intl.DateTimeFormat(localeOf[lang], {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "short",
    day: "numeric",
    weekday: "short",
  });
  const t = (key: MessageKey | Msg, params?: Params): string => {
    if (typeof key === "object") return interpolate(messages[key.key] ?? key.key, key.params);
    return interpolate(messages[key] ?? key, params);
  };
  return {
    lang,
    t,
    /** A moment, shown in Europe/Stockholm. */
    formatDateTime: (value: Date | string) => dateTime.format(new Date(value)),
    /** A calendar date (YYYY-MM-DD) or a moment's Stockholm date. */
    formatDate: (value: Date | string) =>
      dateOnly.format(typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value)),
  };
}

export type Translator = ReturnType<typeof makeTranslator>;

export const I18nContext = createContext<Translator | null>(null);

export function useT(): Translator {
  const translator = useContext(I18nContext);
  if (!translator) throw new Error("useT() outside <I18nContext.Provider>");
  return translator;
}
