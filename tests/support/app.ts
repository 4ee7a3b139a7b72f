import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler, type ServerBuild } from "@remix-run/node";

import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import { createSession } from "~/models/sessions.server";
import { sessionCookie } from "~/utils/auth.server";

/**
 * The built Remix app (`npm run build`), called in-process with real Requests: routing, guards,
 * loaders, actions and rendering exactly as the server runs them, against the test database.
 */
const buildFile = path.resolve("build/index.js");
let handler: ((request: Request) => Promise<Response>) | undefined;

async function appHandler() {
  if (!handler) {
    if (!existsSync(buildFile)) throw new Error("No build/index.js: run `npm run build` (npm test does).");
    const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
    handler = createRequestHandler(build, "production");
  }
  return handler;
}

export type Call = {
  method?: string;
  form?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  cookie?: string;
};

export async function call(pathAndQuery: string, options: Call = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  const method = options.method ?? (body ? "POST" : "GET");
  const request = new Request(`http://localhost${pathAndQuery}`, { method, headers, body });
  return (await appHandler())(request);
}

/** A Cookie header for a signed-in session of `user`. */
export async function signIn(db: Db, user: User): Promise<string> {
  const token = await createSession(db, user.id);
  const setCookie = await sessionCookie().serialize(token);
  return setCookie.split(";")[0]!;
}
