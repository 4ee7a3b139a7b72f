import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler, type ServerBuild } from "@remix-run/node";

import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import { createSession } from "~/access/sessions.server";
import { sessionCookie } from "~/access/guards.server";
import { withDatabaseUnavailable } from "~/http/unavailable.server";

/**
 * The built Remix app (`npm run build`), called in-process with real Requests: routing, guards,
 * loaders, actions and rendering exactly as the server runs them, against the test database.
 */
const buildFile = path.resolve("build/index.js");
let handler: ReturnType<typeof createRequestHandler> | undefined;

/** The built app's request handler, wrapped as app/server.ts wraps it. */
export async function appHandler() {
  if (!handler) {
    if (!existsSync(buildFile)) throw new Error("No build/index.js: run `npm run build` (npm test does).");
    const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
    handler = createRequestHandler(withDatabaseUnavailable(build), "production");
  }
  return handler;
}

export const ORIGIN = "http://localhost:3000";

export type Call = {
  method?: string;
  form?: Record<string, string | string[]>;
  json?: unknown;
  /** A multipart body (files): the Request sets its Content-Type with the boundary. */
  multipart?: FormData;
  headers?: Record<string, string>;
  cookie?: string;
  /** The client address the server sees (rate limits, audit). */
  ip?: string;
};

export async function call(pathAndQuery: string, options: Call = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  let body: string | FormData | undefined;
  if (options.multipart) {
    body = options.multipart;
  } else if (options.form) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    body = params.toString();
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set("Content-Type", "application/json");
  }
  const method = options.method ?? (body !== undefined ? "POST" : "GET");
  const request = new Request(`${ORIGIN}${pathAndQuery}`, { method, headers, body });
  return (await appHandler())(request, { ip: options.ip ?? "192.0.2.1" });
}

/** A Cookie header for a signed-in session of `user`. */
export async function signIn(db: Db, user: User): Promise<string> {
  const token = await createSession(db, user.id);
  const setCookie = await sessionCookie().serialize(token);
  return setCookie.split(";")[0]!;
}

/** A client that keeps cookies between calls, as a browser would. */
export class Client {
  private jar = new Map<string, string>();
  constructor(readonly ip = "192.0.2.1") {}

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  has(name: string): boolean {
    return this.jar.has(name);
  }

  async call(pathAndQuery: string, options: Omit<Call, "cookie" | "ip"> = {}): Promise<Response> {
    const response = await call(pathAndQuery, { ...options, cookie: this.cookie, ip: this.ip });
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }
}
