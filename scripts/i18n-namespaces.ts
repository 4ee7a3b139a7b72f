/**
 * Which texts each page needs (docs/decisions/025-text-namespaces.md): for the root and for every
 * route module, the translation keys that can reach its page, found by reading the source:
 * the browser's side file by file (the module without its `loader` and `action`, and what it
 * imports, `.server` modules aside), and the server's side declaration by declaration (what the
 * `loader` and `action` name, through the TypeScript checker: what they return is shown by the
 * page, and a `.server` module holds far more than one route calls). In what is reached:
 *
 * - a string literal that is a key (or the base of a plural: `key` for `key_one` / `key_other`);
 * - a template literal's static head before its first `${`, as a prefix (`status.${s}` needs every
 *   `status.` key), and a literal followed by `+`, likewise — when it holds a dot, as every key does.
 *
 * A page route's namespace is what its graph needs beyond the root's, which every page loads. The
 * result is written to app/i18n/namespaces.generated.json (not committed: `npm run build` and
 * `npm test` make it first), and in tests the server refuses to draw a text outside the page's
 * namespaces (I18N_STRICT), so a key the scan cannot see fails a test, not a user.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";

import { answersOf } from "../app/i18n";
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

/**
 * Every key is `area.name`: a head without a dot (`s${id}`, `u${userId}`) builds something else,
 * and taken as a prefix it would pull in every key that starts with its letter.
 */
const isKeyPrefix = (head: string | undefined): boolean => !!head && head.includes(".");

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
    for (const m of source.matchAll(TEMPLATE_HEAD)) if (isKeyPrefix(m[1])) prefixes.add(m[1]!);
    for (const m of source.matchAll(CONCAT_HEAD)) if (isKeyPrefix(m[1])) prefixes.add(m[1]!);
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

/**
 * The server side of a route, declaration by declaration: what its `loader` and `action` can
 * reach through the identifiers they name (functions, constants, classes, in this project's
 * sources; types aside), and the top-level statements of every file they reach into. A module
 * a loader imports often holds far more than the loader calls (the case service's every rule
 * and error), and those texts are not the page's.
 */
class ServerReach {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly root: string,
    entries: readonly string[],
  ) {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    this.program = ts.createProgram({ rootNames: entries.map((file) => path.join(root, file)), options: { ...config!.options, noEmit: true } });
    this.checker = this.program.getTypeChecker();
  }

  /** Whether a file is ours to follow: the project's sources, not packages, not the dictionaries. */
  private ours(file: ts.SourceFile): boolean {
    const relative = path.relative(this.root, file.fileName).split(path.sep).join("/");
    return !file.isDeclarationFile && !relative.startsWith("..") && !relative.includes("node_modules/") && !NOT_USERS.test(relative);
  }

  /** Whether an expression is an identifier bound by `import * as name`. */
  private isNamespace(expression: ts.Expression): boolean {
    if (!ts.isIdentifier(expression)) return false;
    return (this.checker.getSymbolAtLocation(expression)?.declarations ?? []).some((declaration) => ts.isNamespaceImport(declaration));
  }

  /** The source texts of what the named top-level declarations of `file` reach. */
  sourcesFrom(file: string, names: readonly string[]): string[] {
    const source = this.program.getSourceFile(path.join(this.root, file));
    if (!source) throw new Error(`${file} is not in the program`);
    const starts = source.statements.filter((statement) => names.some((name) => declares(statement, name)));
    const visited = new Set<ts.Statement>();
    const filesSeen = new Set<ts.SourceFile>();
    const queue: ts.Statement[] = [...starts];
    const follow = (node: ts.Node): void => {
      if (ts.isTypeNode(node) || ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isImportDeclaration(node)) return;
      if (ts.isPropertyAccessExpression(node) && !this.isNamespace(node.expression)) {
        // `x.y`: x's declaration holds y (followed whole), unless x is a module's namespace. Not
        // resolving y spares the checker the types of every expression (drizzle's above all).
        follow(node.expression);
        return;
      }
      if (ts.isIdentifier(node)) {
        // `{ time }` names the constant `time`, not the object's property.
        let symbol = ts.isShorthandPropertyAssignment(node.parent)
          ? this.checker.getShorthandAssignmentValueSymbol(node.parent)
          : this.checker.getSymbolAtLocation(node);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
        for (const declaration of symbol?.declarations ?? []) {
          const file = declaration.getSourceFile();
          if (!this.ours(file)) continue;
          let top: ts.Node = declaration;
          while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
          if (ts.isSourceFile(top.parent) && !visited.has(top as ts.Statement)) queue.push(top as ts.Statement);
        }
      }
      ts.forEachChild(node, follow);
    };
    while (queue.length > 0) {
      const statement = queue.pop()!;
      if (visited.has(statement)) continue;
      visited.add(statement);
      const file = statement.getSourceFile();
      if (!filesSeen.has(file)) {
        filesSeen.add(file);
        // What a module does when it loads (a registration, a table built once) runs whichever of its exports is used.
        for (const other of file.statements) if (ts.isExpressionStatement(other) && !visited.has(other)) queue.push(other);
      }
      follow(statement);
    }
    return [...visited]
      .filter((statement) => !ts.isTypeAliasDeclaration(statement) && !ts.isInterfaceDeclaration(statement))
      .map((statement) => statement.getText());
  }
}

/** Whether a top-level statement declares `name` (`function name`, `const name = …`, `export { x as name }` aside). */
function declares(statement: ts.Statement, name: string): boolean {
  if (ts.isFunctionDeclaration(statement)) return statement.name?.text === name;
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
  return false;
}

/** A route module's own source without its `loader` and `action` (what the browser's build keeps of it). */
function withoutServerExports(source: string): string {
  const file = ts.createSourceFile("route.tsx", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  return file.statements
    .filter((statement) => !SERVER_EXPORTS.some((name) => declares(statement, name)))
    .map((statement) => statement.getText(file))
    .join("\n");
}

const SERVER_EXPORTS = ["loader", "action"] as const;

/**
 * Route id ("root", "routes/cases._index", …) → the raw keys that route adds to the root's: what
 * its browser side can name (the modules its page imports, file by file, `.server` modules aside)
 * and what its loader and action can reach (declaration by declaration).
 */
export function scanNamespaces(root = process.cwd()): Record<string, string[]> {
  const rawKeys = Object.keys(sv);
  const sources = new Map<string, string>();
  // Pages only: a resource route (no default export) renders nothing in a browser.
  const routes = readdirSync(path.join(root, "app/routes"))
    .filter((file) => /\.(ts|tsx)$/.test(file) && /^export default /m.test(readFileSync(path.join(root, "app/routes", file), "utf8")))
    .sort()
    .map((file) => `app/routes/${file}`);
  const reach = new ServerReach(root, ["app/root.tsx", ...routes]);
  /** What the page can draw as it loads (its browser side and its loader), and what only its action's answer adds. */
  const textsOf = (entry: string) => {
    const browser = graphOf(root, entry, sources, true).map((file) => (file === entry ? withoutServerExports(sources.get(file)!) : sources.get(file)!));
    const page = keysIn([...browser, ...reach.sourcesFrom(entry, ["loader"])], rawKeys);
    const answers = [...keysIn(reach.sourcesFrom(entry, ["action"]), rawKeys)].filter((key) => !page.has(key));
    return { page, answers };
  };
  // The root has no action of its own; everything it names is loaded with every page.
  const rootTexts = textsOf("app/root.tsx");
  const rootKeys = new Set([...rootTexts.page, ...rootTexts.answers]);
  const namespaces: Record<string, string[]> = { root: [...rootKeys].sort() };
  for (const file of routes) {
    const id = `routes/${path.basename(file).replace(/\.(ts|tsx)$/, "")}`;
    const { page, answers } = textsOf(file);
    namespaces[id] = [...page].filter((key) => !rootKeys.has(key)).sort();
    namespaces[answersOf(id)] = answers.filter((key) => !rootKeys.has(key)).sort();
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
