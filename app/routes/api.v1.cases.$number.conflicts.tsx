import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireUser } from "~/access/guards.server";
import { conflictsOfCase } from "~/cases/conflicts.server";
import { WorkflowError } from "~/cases/errors";
import { api } from "~/http/api.server";

/** The conflicts of a case's window: `[{number, system, window, relation, path, reason?}]`. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Conflicts name other suppliers' work: not for suppliers.
  if (user.role === "supplier") return Response.json({ error: "Forbidden" }, { status: 403 });
  return api(request, async () => {
    const found = await conflictsOfCase(db(), user, String(params.number).slice(0, 40));
    if (!found) throw new WorkflowError(404, "No such case.");
    return Response.json(found);
  });
}
