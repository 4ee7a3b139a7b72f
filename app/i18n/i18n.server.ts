import { createHash } from "node:crypto";

import { createCookie } from "@remix-run/node";

import { en } from "./en";
import { DEFAULT_LANG, isLang, makeTranslator, type Lang, type Messages, type Translator } from "./index";
import { mailEn } from "./mail.en";
import { mailSv, type MailTexts } from "./mail.sv";
import { sv } from "./sv";

const dictionaries: Record<Lang, Messages> = { sv, en };
const mailTexts: Record<Lang, MailTexts> = { sv: mailSv, en: mailEn };

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

// The browser's dictionary -------------------------------------------------------------------------

/**
 * A language's dictionary as the browser gets it: a classic script that sets `window.__i18n`,
 * served at a URL that names its content (`/i18n/sv.<hash>.js`), so it is cached for good and a
 * new build's texts get a new URL. Built once per process.
 */
export type DictionaryAsset = { lang: Lang; href: string; file: string; body: string };

const assets = new Map<Lang, DictionaryAsset>();

export function dictionaryAsset(lang: Lang): DictionaryAsset {
  let asset = assets.get(lang);
  if (!asset) {
    const json = JSON.stringify(dictionaries[lang]);
    const hash = createHash("sha256").update(json).digest("base64url").slice(0, 12);
    const file = `${lang}.${hash}.js`;
    const href = `/i18n/${file}`;
    // JSON is valid JavaScript; "</script" cannot close anything in an external file.
    const body = `window.__i18n=${JSON.stringify({ lang, href })};window.__i18n.messages=${json};\n`;
    asset = { lang, href, file, body };
    assets.set(lang, asset);
  }
  return asset;
}

/** The asset a request for `/i18n/<file>` names, if it is a current one. */
export function dictionaryByFile(file: string): DictionaryAsset | undefined {
  const lang = file.split(".")[0];
  if (!isLang(lang)) return undefined;
  const asset = dictionaryAsset(lang);
  return asset.file === file ? asset : undefined;
}

// Server-side translators ---------------------------------------------------------------------------

// A translator holds no state but its Intl formatters, which are slow to make: one per language.
const pageTranslators = new Map<Lang, Translator>();
const plainTranslators = new Map<Lang, Translator>();

/** The page translator for a language, with the URL of its browser dictionary. */
export function pageTranslatorFor(lang: Lang): Translator {
  let translator = pageTranslators.get(lang);
  if (!translator) pageTranslators.set(lang, (translator = makeTranslator(lang, dictionaries[lang], dictionaryAsset(lang).href)));
  return translator;
}

/** A translator for server-side text outside pages (API errors, feeds, CLI output). */
export function translatorFor(lang: Lang): Translator {
  let translator = plainTranslators.get(lang);
  if (!translator) plainTranslators.set(lang, (translator = makeTranslator(lang, dictionaries[lang])));
  return translator;
}

/** The e-mails' texts of a language (server only; app/outbox/templates.server.ts renders them). */
export function mailTextsFor(lang: Lang): MailTexts {
  return mailTexts[lang];
}
