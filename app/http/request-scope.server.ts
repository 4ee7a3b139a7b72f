import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What one HTTP request's loaders share. Remix hands each loader of a request its own copy of the
 * `Request` (server-runtime strips `?index`/`_routes` into a new one), so a cache keyed on the
 * request object is per loader: a page with a root and a route loader looked its session up twice.
 * The server (app/server.ts) runs each GET inside a scope; the guards memoise the caller there.
 *
 * Only reads get a scope: a POST's action can change who the caller is (a sign-in, a language
 * change) before the same request's loaders run, so those stay per request object.
 *
 * The store is a process-wide singleton on `globalThis` because app/server.ts and the Remix build
 * are two module graphs that must see the same one.
 */
type Scope = Map<string, unknown>;

const KEY = Symbol.for("supplier-access-portal.request-scope");
const registry = globalThis as unknown as Record<typeof KEY, AsyncLocalStorage<Scope> | undefined>;
const storage = (registry[KEY] ??= new AsyncLocalStorage<Scope>());

/** Runs `fn` (one GET or HEAD request's handling) with a fresh scope. */
export function inReadScope<T>(method: string, fn: () => T): T {
  return method === "GET" || method === "HEAD" ? storage.run(new Map(), fn) : fn();
}

/** The value `make` gives, once per read request (or every call outside one). */
export function oncePerRequest<T>(key: string, make: () => T): T {
  const scope = storage.getStore();
  if (!scope) return make();
  if (!scope.has(key)) scope.set(key, make());
  return scope.get(key) as T;
}
