/**
 * Which texts each page needs (docs/decisions/025-text-namespaces.md): for the root and for every
 * route module, the translation keys its source and everything it imports (its own components,
 * `.server` modules and machines/ — what a loader or action returns is shown by the page) can
 * look up, found by reading the source:
 *
 * - a string literal that is a key (or the base of a plural: `key` for `key_one` / `key_other`);
 * - a template literal's static head before its first `${`, as a prefix (`status.${s}` needs every
 *   `status.` key), and a literal followed by `+`, likewise.
 *
 * A page route's namespace is what its graph needs beyond the root's, which every page loads. The
 * result is written to app/i18n/namespaces.generated.json (not committed: `npm run build` and
 * `npm test` make it first), and in tests the server refuses to draw a text outside the page's
 * namespaces (I18N_STRICT), so a key the scan cannot see fails a test, not a user.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { sv } from "../app/i18n/sv";

export const NAMESPACES_FILE = "app/i18n/namespaces.generated.json";

/** The dictionaries themselves name every key; they are the texts, not their users. */
const NOT_USERS = /^app\/i18n\/(sv|en|mail\.sv|mail\.en)\.ts$/;

/** `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`; group 1 is `type ` for a type-only import (no code, no texts). */
const IMPORT = /\b(?:import|export)\s*(type\s+)?(?:[^"';]*?\bfrom\s*|\(\s*)?["']([^"']+)["']/g;
const STRING = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g;
const TEMPLATE_HEAD = /`([^`$\\]*)\$\{/g;
const CONCAT_HEAD = /["']([^"'\n]+)["']\s*\+/g;

function resolveImport(root: string, from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join(root, "app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(path.join(root, from)), specifier);
  else return undefined; // a package
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (/\.(ts|tsx)$/.test(candidate) && existsSync(candidate)) return path.relative(root, candidate).split(path.sep).join("/");
  }
  return undefined;
}

/** The keys a set of source texts can look up, as raw dictionary keys (plural forms included). */
function keysIn(sources: readonly string[], rawKeys: readonly string[]): Set<string> {
  const raw = new Set(rawKeys);
  const found = new Set<string>();
  const prefixes = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(STRING)) {
      const text = m[1] ?? m[2] ?? "";
      if (raw.has(text)) found.add(text);
      for (const form of [`${text}_one`, `${text}_other`]) if (raw.has(form)) found.add(form);
    }
    for (const m of source.matchAll(TEMPLATE_HEAD)) if (m[1]) prefixes.add(m[1]);
    for (const m of source.matchAll(CONCAT_HEAD)) if (m[1]) prefixes.add(m[1]);
  }
  if (prefixes.size > 0) for (const key of rawKeys) for (const prefix of prefixes) if (key.startsWith(prefix)) found.add(key);
  return found;
}

/** Every source file reachable from `entry` by its imports (packages aside; `.server` modules too unless `browserOnly`). */
function graphOf(root: string, entry: string, sources: Map<string, string>, browserOnly = false): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let source = sources.get(file);
    if (source === undefined) sources.set(file, (source = readFileSync(path.join(root, file), "utf8")));
    for (const m of source.matchAll(IMPORT)) {
      if (m[1]) continue;
      const target = resolveImport(root, file, m[2]!);
      if (target && !seen.has(target) && !(browserOnly && /\.server\.tsx?$/.test(target))) stack.push(target);
    }
  }
  return [...seen].filter((file) => !NOT_USERS.test(file));
}

/** Route id ("root", "routes/cases._index", …) → the raw keys that route adds to the root's. */
export function scanNamespaces(root = process.cwd()): Record<string, string[]> {
  const rawKeys = Object.keys(sv);
  const sources = new Map<string, string>();
  const textsOf = (entry: string) =>
    keysIn(
      graphOf(root, entry, sources).map((file) => sources.get(file)!),
      rawKeys,
    );
  const rootKeys = textsOf("app/root.tsx");
  const namespaces: Record<string, string[]> = { root: [...rootKeys].sort() };
  // Pages only: a resource route (no default export) renders nothing in a browser.
  const routes = readdirSync(path.join(root, "app/routes"))
    .filter((file) => /\.(ts|tsx)$/.test(file) && /^export default /m.test(readFileSync(path.join(root, "app/routes", file), "utf8")))
    .sort();
  for (const file of routes) {
    const own = [...textsOf(`app/routes/${file}`)].filter((key) => !rootKeys.has(key)).sort();
    namespaces[`routes/${file.replace(/\.(ts|tsx)$/, "")}`] = own;
  }
  return namespaces;
}

export function renderNamespaces(namespaces: Record<string, string[]>): string {
  return `${JSON.stringify(namespaces, null, 1)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const namespaces = scanNamespaces();
  writeFileSync(NAMESPACES_FILE, renderNamespaces(namespaces));
  const sizes = Object.entries(namespaces).map(([id, keys]) => `${id} ${keys.length}`);
  console.log(`${NAMESPACES_FILE}: ${sizes.length} namespaces (${sizes.join(", ")})`);
}
