import type { ServerBuild } from "@remix-run/node";

import { withinRequest, type RequestScope } from "../../db/deadline";

/**
 * When the database server is away (restart, failover, network), a request should get a clear
 * "try again shortly" (503) rather than an internal error (500), and the process should carry on:
 * postgres.js opens new connections by itself once the server answers again.
 *
 * Remix v2 has no middleware, so `withDatabaseUnavailable` wraps every route module's loader and
 * action once, where the build is handed to the request handler: an error that means "no
 * connection" becomes a thrown 503 response (a JSON body for the API, the 503 error page for
 * pages). Every other error passes through unchanged.
 *
 * A database that is cut off without a reset (a partition: packets dropped, nothing refused)
 * raises no error at all — a query just waits. So every loader and action also has a deadline:
 * past REQUEST_DEADLINE_MS it is answered 503 as well, and abandoned — its transaction, should it
 * still reach its end once the network is back, is rolled back instead of committed (db/deadline.ts).
 */
export const REQUEST_DEADLINE_MS = 6_000;

// postgres.js connection errors, Node socket errors, and PostgreSQL's "connection exception"
// (class 08) and "the server is shutting down / starting" (57P01–57P03) SQLSTATEs.
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P01",
  "57P02",
  "57P03",
  // statement_timeout (db/open.ts): the server did not finish in time
  "57014",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  // drizzle wraps the driver's error in DrizzleQueryError with the original as `cause`.
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const RETRY_AFTER_SECONDS = 10;

function unavailable(request: Request): Response {
  const headers = { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };
  if (new URL(request.url).pathname.startsWith("/api/")) {
    return Response.json({ error: "The service is temporarily unavailable: the database is not answering. Try again shortly." }, { status: 503, headers });
  }
  return new Response("Service Unavailable", { status: 503, statusText: "Service Unavailable", headers });
}

type Handler = (args: { request: Request }) => unknown;

class DeadlinePassed extends Error {}

function guard<F extends Handler>(handler: F, deadlineMs: number): F {
  return (async (args: { request: Request }) => {
    const scope: RequestScope = { abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const work = withinRequest(scope, () => Promise.resolve().then(() => handler(args)));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlinePassed()), deadlineMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      const late = error instanceof DeadlinePassed;
      if (late || isDatabaseUnavailable(error)) {
        if (late) {
          scope.abandoned = true;
          // It may still end, either way, once the database answers: nothing waits for it now.
          work.catch(() => {});
        }
        const why = late ? `no answer within ${deadlineMs} ms` : error instanceof Error ? error.message : String(error);
        console.error(`database unavailable (${args.request.method} ${new URL(args.request.url).pathname}): ${why}`);
        throw unavailable(args.request);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }) as F;
}

export function withDatabaseUnavailable(build: ServerBuild, options: { deadlineMs?: number } = {}): ServerBuild {
  const deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const module = { ...route.module };
    if (module.loader) module.loader = guard(module.loader as Handler, deadlineMs) as typeof module.loader;
    if (module.action) module.action = guard(module.action as Handler, deadlineMs) as typeof module.action;
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}
