import { createCookie, redirect } from "@remix-run/node";

import { db } from "../../db/client";
import type { Role, Session, User } from "../../db/schema";
import { env } from "~/env.server";
import { userForApiToken } from "~/access/api-tokens.server";
import { sessionForToken } from "~/access/sessions.server";
import { oncePerRequest } from "~/http/request-scope.server";
import { safeRedirect } from "~/http/safe-redirect";
import { hasRole } from "./roles";

let cookies: { session: ReturnType<typeof createCookie>; parked: ReturnType<typeof createCookie> } | undefined;

function sessionCookies() {
  if (!cookies) {
    const common = {
      path: "/",
      httpOnly: true,
      sameSite: "lax" as const,
      secure: env().appUrl.startsWith("https://"),
      secrets: [env().sessionSecret],
    };
    cookies = {
      // The session cookie: a signed session id and nothing else.
      session: createCookie("__session", common),
      // The parked session between the password and the WebAuthn step.
      parked: createCookie("__signin", { ...common, maxAge: 5 * 60 }),
    };
  }
  return cookies;
}

export const sessionCookie = () => sessionCookies().session;
export const parkedCookie = () => sessionCookies().parked;

async function readCookie(cookie: ReturnType<typeof createCookie>, request: Request): Promise<string | undefined> {
  const value: unknown = await cookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 && value.length < 200 ? value : undefined;
}

export const sessionToken = (request: Request) => readCookie(sessionCookie(), request);
export const parkedToken = (request: Request) => readCookie(parkedCookie(), request);

export type Auth = { user: User; session: Session | null };

const authCache = new WeakMap<Request, Promise<Auth | undefined>>();

function isApi(request: Request) {
  return new URL(request.url).pathname.startsWith("/api/");
}

async function resolveAuth(request: Request): Promise<Auth | undefined> {
  const header = request.headers.get("Authorization");
  if (header && isApi(request)) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = match ? await userForApiToken(db(), match[1]!) : undefined;
    return user ? { user, session: null } : undefined;
  }
  const token = await sessionToken(request);
  const active = token ? await sessionForToken(db(), token) : undefined;
  return active ? { user: active.user, session: active.session } : undefined;
}

/**
 * Who is calling: a signed-in session, or (on /api/) a bearer token. Looked up once per request:
 * per HTTP request for reads (all of a page's loaders), per request object otherwise.
 */
export function getAuth(request: Request): Promise<Auth | undefined> {
  return oncePerRequest("auth", () => {
    let pending = authCache.get(request);
    if (!pending) {
      pending = resolveAuth(request);
      authCache.set(request, pending);
    }
    return pending;
  });
}

export async function getUser(request: Request): Promise<User | undefined> {
  return (await getAuth(request))?.user;
}

/** The caller's auth; anonymous visitors go to /login (pages) or get 401 JSON (API). */
export async function requireAuth(request: Request): Promise<Auth> {
  const auth = await getAuth(request);
  if (auth) return auth;
  if (isApi(request)) {
    throw Response.json({ error: "Authentication required" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
  }
  const url = new URL(request.url);
  const back = safeRedirect(url.pathname + url.search);
  throw redirect(back === "/" ? "/login" : `/login?${new URLSearchParams({ redirectTo: back })}`);
}

export async function requireUser(request: Request): Promise<User> {
  return (await requireAuth(request)).user;
}

/** The signed-in user when their role is one of `roles`; otherwise 403. */
export async function requireRole(request: Request, ...roles: Role[]): Promise<User> {
  const user = await requireUser(request);
  if (!hasRole(user, ...roles)) {
    throw isApi(request) ? Response.json({ error: "Forbidden" }, { status: 403 }) : new Response("Forbidden", { status: 403 });
  }
  return user;
}

/** A signed-in browser session (not a token): settings pages need one. */
export async function requireSession(request: Request): Promise<{ user: User; session: Session }> {
  const auth = await requireAuth(request);
  if (!auth.session) throw new Response("A browser session is required", { status: 403 });
  return { user: auth.user, session: auth.session };
}

/** A signed-in browser session whose person has one of `roles` (pages that change the person's own settings). */
export async function requireSessionRole(request: Request, ...roles: Role[]): Promise<{ user: User; session: Session }> {
  const user = await requireRole(request, ...roles);
  const { session } = await requireSession(request);
  return { user, session };
}

/** Where a person lands after signing in. */
export function startPageFor(role: Role): string {
  const start: Record<Role, string> = {
    requester: "/", // the requester's dashboard: what needs attention, open cases, upcoming windows
    "system-owner": "/owner",
    cab: "/cab",
    "service-centre": "/service-centre",
    operations: "/operations",
    supplier: "/supplier",
    admin: "/admin",
  };
  return start[role];
}

/** The client's address as the server saw it (set by app/server.ts), for limits and the audit trail. */
export function clientIp(context: unknown): string {
  const ip = (context as { ip?: unknown } | undefined)?.ip;
  return typeof ip === "string" && ip ? ip : "unknown";
}
