import type { LoaderFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";

import { db } from "../../db/client";
import { cases } from "../../db/schema";
import { inScope, scopeOf } from "~/access/scope.server";
import { api } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { WorkflowError } from "~/cases/cases.server";
import { conflictsFor } from "~/cases/conflicts.server";

/**
 * The conflicts of a case's window: `[{number, system, window, relation, path}]`. Reads only what
 * the check needs — the case's system, supplier (for the scope) and window — not the case's whole
 * view (trail, allowed events), so the answer costs the token, one row and the conflict query.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Conflicts name other suppliers' work: not for suppliers.
  if (user.role === "supplier") return Response.json({ error: "Forbidden" }, { status: 403 });
  return api(request, async () => {
    const number = String(params.number).slice(0, 40);
    // A NUL (from the address) names no case, and PostgreSQL refuses it in a query.
    const [c] = number.includes("\0") ? [] : await db()
      .select({ id: cases.id, systemId: cases.systemId, supplierId: cases.supplierId, windowStart: cases.windowStart, windowEnd: cases.windowEnd })
      .from(cases)
      .where(eq(cases.number, number));
    if (!c || !inScope(await scopeOf(db(), user), c)) throw new WorkflowError(404, "No such case.");
    const found = c.windowStart && c.windowEnd ? await conflictsFor(db(), c.systemId, { start: c.windowStart, end: c.windowEnd }, c.id) : [];
    return Response.json(
      found.map((f) => ({
        number: f.number,
        system: f.systemCode,
        window: { start: f.start.toISOString(), end: f.end.toISOString() },
        relation: f.relation,
        path: f.path,
        ...(f.reason ? { reason: f.reason } : {}),
      })),
    );
  });
}
