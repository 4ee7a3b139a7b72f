import { createHash } from "node:crypto";

import { createCookie } from "@remix-run/node";

import { en } from "./en";
import { answersOf, DEFAULT_LANG, isLang, makeTranslator, namespaceFile, type Lang, type MessageKey, type Messages, type Translator } from "./index";
import namespaces from "./namespaces.generated.json";
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

// The browser's texts ------------------------------------------------------------------------------

/**
 * The browser gets a language's texts in pieces (docs/decisions/025-text-namespaces.md): the
 * root's, which every page loads, and each page route's own (namespaces.generated.json, made from
 * the source by scripts/i18n-namespaces.ts). Each is a classic script under a URL that names the
 * build's texts, `/i18n/<lang>.<hash>/<name>.js`, so it is cached for good and a new build's texts
 * get new URLs. The page's own pieces are in its head; a client navigation loads the next page's
 * (app/i18n/client.ts) before it renders.
 */
const NAMESPACES: Readonly<Record<string, readonly string[]>> = namespaces;

export type TextsAsset = { href: string; body: string };

const bundles = new Map<Lang, string>();

/** `<lang>.<hash>`: the hash of the language's texts and of how they are cut. */
export function textsBundle(lang: Lang): string {
  let bundle = bundles.get(lang);
  if (!bundle) {
    const hash = createHash("sha256").update(JSON.stringify(dictionaries[lang])).update(JSON.stringify(NAMESPACES)).digest("base64url").slice(0, 12);
    bundles.set(lang, (bundle = `${lang}.${hash}`));
  }
  return bundle;
}

const assets = new Map<string, TextsAsset | null>();

/** The script of one namespace (`root` or a page route's id), or undefined when there is none. */
export function textsAsset(lang: Lang, routeId: string): TextsAsset | undefined {
  const cacheKey = `${lang} ${routeId}`;
  let asset = assets.get(cacheKey);
  if (asset === undefined) {
    const keys = Object.prototype.hasOwnProperty.call(NAMESPACES, routeId) ? NAMESPACES[routeId] : undefined;
    if (!keys) asset = null;
    else {
      const messages: Record<string, string> = {};
      for (const key of keys) messages[key] = dictionaries[lang][key as keyof Messages];
      const base = `/i18n/${textsBundle(lang)}/`;
      // JSON is valid JavaScript; "</script" cannot close anything in an external file.
      const body =
        routeId === "root"
          ? `window.__i18n=${JSON.stringify({ lang, base, loaded: ["root"] })};window.__i18n.messages=${JSON.stringify(messages)};\n`
          : `Object.assign(window.__i18n.messages,${JSON.stringify(messages)});window.__i18n.loaded.push(${JSON.stringify(routeId)});\n`;
      asset = { href: `${base}${namespaceFile(routeId)}`, body };
    }
    assets.set(cacheKey, asset);
  }
  return asset ?? undefined;
}

/** The asset `/i18n/<bundle>/<file>` names, if it is one of this build's. */
export function textsByUrl(bundle: string, file: string): TextsAsset | undefined {
  const lang = bundle.split(".")[0];
  if (!isLang(lang) || textsBundle(lang) !== bundle || !file.endsWith(".js")) return undefined;
  const name = file.slice(0, -3);
  return textsAsset(lang, name === "root" ? "root" : `routes/${name}`);
}

/** The keys a page drawn with these namespaces may look up. */
function keysOf(namespaceIds: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const id of namespaceIds) for (const key of NAMESPACES[id] ?? []) keys.add(key.replace(/_(one|other)$/, ""));
  return keys;
}

// Server-side translators ---------------------------------------------------------------------------

// A translator holds no state but its Intl formatters, which are slow to make: one per language.
const translators = new Map<Lang, Translator>();

/** A translator for server-side text outside pages (API errors, feeds, CLI output). */
export function translatorFor(lang: Lang): Translator {
  let translator = translators.get(lang);
  if (!translator) translators.set(lang, (translator = makeTranslator(lang, dictionaries[lang])));
  return translator;
}

/**
 * The translator a page of these routes (the request's matches) is drawn with, and the scripts
 * of its texts — with its actions' answers when `answering` (a form posted without JavaScript:
 * the page is drawn with the action's data). With I18N_STRICT set (the tests) it refuses a key
 * the page's namespaces lack: the browser would not have that text when it hydrates or navigates
 * (an error, not a warning, so that every page a test draws checks its namespaces).
 */
export function pageTranslatorFor(lang: Lang, routeIds: readonly string[], options: { answering?: boolean } = {}): Translator {
  const base = translatorFor(lang);
  const ids = [...new Set(["root", ...routeIds, ...(options.answering ? routeIds.map(answersOf) : [])])];
  const scripts = ids.flatMap((id) => {
    const asset = textsAsset(lang, id);
    return asset && (id === "root" || NAMESPACES[id]!.length > 0) ? [asset.href] : [];
  });
  if (!process.env.I18N_STRICT) return { ...base, scripts };
  const allowed = keysOf(ids);
  const check = (key: string) => {
    if (!allowed.has(key) && base.has(key))
      throw new Error(`The text "${key}" is not in the namespaces of ${routeIds.join(", ")}: the browser would not have it (run npm run i18n:namespaces?)`);
  };
  return {
    ...base,
    scripts,
    t: (key, params) => (check(typeof key === "object" ? key.key : key), base.t(key, params)),
    has: (key): key is MessageKey => (check(key), base.has(key)),
    textOr: (key, fallback, params) => (check(key), base.textOr(key, fallback, params)),
  };
}

/** The e-mails' texts of a language (server only; app/outbox/templates.server.ts renders them). */
export function mailTextsFor(lang: Lang): MailTexts {
  return mailTexts[lang];
}
