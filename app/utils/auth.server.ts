import { createCookie, redirect } from "@remix-run/node";

import { db } from "../../db/client";
import type { Role, User } from "../../db/schema";
import { env } from "~/env.server";
import { userForSession } from "~/models/sessions.server";
import { safeRedirect } from "~/utils/misc";

let cookie: ReturnType<typeof createCookie> | undefined;

/** The session cookie: a signed session id and nothing else. */
export function sessionCookie() {
  cookie ??= createCookie("__session", {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: env().appUrl.startsWith("https://"),
    secrets: [env().sessionSecret],
  });
  return cookie;
}

export async function sessionToken(request: Request): Promise<string | undefined> {
  const value: unknown = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

const userCache = new WeakMap<Request, Promise<User | undefined>>();

/** The signed-in user, or undefined. Looked up once per request. */
export function getUser(request: Request): Promise<User | undefined> {
  let pending = userCache.get(request);
  if (!pending) {
    pending = sessionToken(request).then((token) => (token ? userForSession(db(), token) : undefined));
    userCache.set(request, pending);
  }
  return pending;
}

function isApi(request: Request) {
  return new URL(request.url).pathname.startsWith("/api/");
}

/** The signed-in user; anonymous visitors go to /login (pages) or get 401 JSON (API). */
export async function requireUser(request: Request): Promise<User> {
  const user = await getUser(request);
  if (user) return user;
  if (isApi(request)) {
    throw Response.json({ error: "Authentication required" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  const url = new URL(request.url);
  const back = safeRedirect(url.pathname + url.search);
  throw redirect(back === "/" ? "/login" : `/login?${new URLSearchParams({ redirectTo: back })}`);
}

/** The signed-in user when their role is one of `roles`; otherwise 403. */
export async function requireRole(request: Request, ...roles: Role[]): Promise<User> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) {
    throw isApi(request)
      ? Response.json({ error: "Forbidden" }, { status: 403 })
      : new Response("Forbidden", { status: 403 });
  }
  return user;
}
