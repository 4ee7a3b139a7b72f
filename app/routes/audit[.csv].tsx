import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { auditCsv } from "~/audit/export.server";
import { csvResponse } from "~/http/csv.server";

/**
 * The audit trail as CSV for archiving: one case (`?case=CHG-2026-00001`) or a period
 * (`?from=2026-01-01&to=2026-12-31`, Stockholm dates, inclusive), with the hash chain columns.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", "service-centre");
  const url = new URL(request.url);
  const result = await auditCsv(db(), { case: url.searchParams.get("case"), from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  if (!result.ok) return new Response(result.message, { status: result.status });
  return csvResponse(result.csv, result.name);
}
