import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireUser } from "~/access/guards.server";
import { conflictsOfWindow, freezeCount } from "~/cases/conflicts.server";
import { WorkflowError } from "~/cases/errors";
import { conflictsQuery } from "~/cases/schemas";
import { api } from "~/http/api.server";
import { fieldErrorsOf } from "~/ui/forms";

/**
 * The conflicts and freezes a window would meet, before anything is submitted:
 * `?system=GIS&start=…&end=…[&exclude=CHG-…]` → `{ conflicts, freezes }`. The request form calls
 * it as the requester types; it answers what the case page and the CAB's agenda will show.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Conflicts name other suppliers' work: not for suppliers.
  if (user.role === "supplier") return Response.json({ error: "Forbidden" }, { status: 403 });
  return api(request, async () => {
    const parsed = conflictsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) throw new WorkflowError(400, "The query is not a window on a system.", fieldErrorsOf(parsed.error));
    const { system, start, end, exclude } = parsed.data;
    const conflicts = await conflictsOfWindow(db(), user, { systemCode: system, window: { start: new Date(start), end: new Date(end) }, exclude });
    if (!conflicts) throw new WorkflowError(404, "No such system.");
    return Response.json({ conflicts, freezes: freezeCount(conflicts) }, { headers: { "Cache-Control": "private, no-store" } });
  });
}
