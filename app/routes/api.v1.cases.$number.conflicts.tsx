import type { LoaderFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";

import { db } from "../../db/client";
import { cases } from "../../db/schema";
import { api } from "~/utils/api.server";
import { requireUser } from "~/utils/auth.server";
import { getCaseView } from "~/workflow/cases.server";
import { conflictsOf } from "~/workflow/conflicts.server";

/** The conflicts of a case's window: `[{number, system, window, relation, path}]`. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Conflicts name other suppliers' work: not for suppliers.
  if (user.role === "supplier") return Response.json({ error: "Forbidden" }, { status: 403 });
  return api(request, async () => {
    const view = await getCaseView(db(), user, String(params.number).slice(0, 40));
    const [row] = await db().select({ id: cases.id }).from(cases).where(eq(cases.number, view.number));
    const found = await conflictsOf(db(), row!.id);
    return Response.json(
      found.map((c) => ({
        number: c.number,
        system: c.systemCode,
        window: { start: c.start.toISOString(), end: c.end.toISOString() },
        relation: c.relation,
        path: c.path,
        ...(c.reason ? { reason: c.reason } : {}),
      })),
    );
  });
}
