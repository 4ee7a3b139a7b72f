import type { LoaderFunctionArgs } from "@remix-run/node";

import { currentDatabase } from "../../db/client";
import { getUser } from "~/access/guards.server";
import { connectorHealth } from "~/connectors/health.server";
import { hasRole } from "~/access/roles";

/**
 * 200 only when the database answers; load balancers and the CLI poll this. A signed-in admin
 * also gets the connectors' detail (directory, Alertmanager, webhooks): a connector that is down
 * does not make the portal unhealthy — the manual steps still work — but it is shown.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const database = currentDatabase();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3000);
      }),
    ]).finally(() => clearTimeout(timer));
    const user = request.headers.get("cookie") ? await getUser(request) : undefined;
    const connectors = hasRole(user, "admin") ? await connectorHealth(database.db) : undefined;
    return new Response(JSON.stringify({ status: "ok", database: database.backend, ...(connectors ? { connectors } : {}) }), {
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  } catch (error) {
    console.error("healthcheck failed:", error instanceof Error ? error.message : error);
    return new Response(JSON.stringify({ status: "error" }), {
      status: 503,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  }
}
