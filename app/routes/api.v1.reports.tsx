import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { apiError } from "~/http/api.server";
import { requireRole } from "~/access/guards.server";
import { PLACES } from "~/ui/places";
import { periodFrom, reportFor } from "~/reports/figures.server";

/**
 * The reports' figures for a period (`?from=&to=`, Stockholm dates, inclusive; default the last
 * twelve months), as /reports shows them: each figure's series and rows (app/reports/figures.server.ts).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...PLACES.reports.roles);
  const { period, errors } = periodFrom(new URL(request.url));
  if (errors.from || errors.to)
    return apiError(422, "from and to are dates (YYYY-MM-DD), from not after to, at most five years apart.", {
      ...(errors.from ? { from: "invalid" } : {}),
      ...(errors.to ? { to: "invalid" } : {}),
    });
  return Response.json({ period, figures: await reportFor(db(), period) });
}
