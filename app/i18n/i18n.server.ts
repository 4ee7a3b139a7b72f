import { createCookie } from "@remix-run/node";

import { en } from "./en";
import { DEFAULT_LANG, isLang, makeTranslator, type Lang } from "./index";
import { sv, type Messages } from "./sv";

const dictionaries: Record<Lang, Messages> = { sv, en };

export const langCookie = createCookie("lang", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

/** The visitor's language: their choice (cookie) first, then the browser's Accept-Language. */
export async function getLang(request: Request): Promise<Lang> {
  const chosen: unknown = await langCookie.parse(request.headers.get("Cookie"));
  if (isLang(chosen)) return chosen;
  return fromAcceptLanguage(request.headers.get("Accept-Language"));
}

export function fromAcceptLanguage(header: string | null): Lang {
  if (!header) return DEFAULT_LANG;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { base: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    if (isLang(entry.base)) return entry.base;
  }
  return DEFAULT_LANG;
}

export function messagesFor(lang: Lang): Messages {
  return dictionaries[lang];
}

/** A translator for server-side text (page titles, e-mails, CLI output). */
export async function serverTranslator(request: Request) {
  const lang = await getLang(request);
  return makeTranslator(lang, dictionaries[lang]);
}

export function translatorFor(lang: Lang) {
  return makeTranslator(lang, dictionaries[lang]);
}
