import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

/**
 * What the browser loads, read from the built client (`npm test` builds first): a page carries
 * only what it needs. zod alone is 90 KiB gzip, more than a bare Remix page's own JavaScript; a
 * route module that imports a value from a module which loads zod (even for its action only)
 * keeps that module in the page's bundle, because esbuild's code splitting keeps a chunk import
 * for every module the route reaches.
 */
const BUILD = path.join(import.meta.dirname, "..", "public", "build");

type Manifest = { entry: { module: string; imports?: string[] }; routes: Record<string, { module: string; imports?: string[] }> };

function manifest(): Manifest {
  const file = readdirSync(BUILD).find((name) => /^manifest-[A-Z0-9]+\.js$/.test(name));
  if (!file) throw new Error(`no manifest in ${BUILD}: run npm run build first`);
  const source = readFileSync(path.join(BUILD, file), "utf8");
  return JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as Manifest;
}

const read = (href: string) => readFileSync(path.join(BUILD, "..", href), "utf8");

/** Every script a module pulls in, following its static imports through the chunks. */
function closure(hrefs: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...hrefs];
  while (queue.length) {
    const href = queue.pop()!;
    if (seen.has(href)) continue;
    seen.add(href);
    for (const m of read(href).matchAll(/(?:from|import)\s*"(\/build\/[^"]+\.js)"/g)) queue.push(m[1]!);
  }
  return seen;
}

const loadsZod = (hrefs: Set<string>) => [...hrefs].some((href) => read(href).includes("ZodError"));

describe("the browser's bundles", () => {
  it("bring zod only to the request forms, which validate in the browser", () => {
    const { entry, routes } = manifest();
    expect(loadsZod(closure([entry.module, ...(entry.imports ?? [])]))).toBe(false);
    const withZod = Object.entries(routes)
      .filter(([, route]) => loadsZod(closure([route.module, ...(route.imports ?? [])])))
      .map(([id]) => id)
      .sort();
    expect(withZod).toEqual(["routes/cases.$number_.edit", "routes/cases.new"]);
  });
});
