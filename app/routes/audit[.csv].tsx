import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { auditCsv } from "~/audit/export.server";

/**
 * The audit trail as CSV for archiving: one case (`?case=CHG-2026-00001`) or a period
 * (`?from=2026-01-01&to=2026-12-31`, Stockholm dates, inclusive), with the hash chain columns.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", "service-centre");
  const url = new URL(request.url);
  const result = await auditCsv(db(), { case: url.searchParams.get("case"), from: url.searchParams.get("from"), to: url.searchParams.get("to") });
  if (!result.ok) return new Response(result.message, { status: result.status });
  return new Response(result.csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${result.name}.csv"`, "Cache-Control": "no-store" },
  });
}
