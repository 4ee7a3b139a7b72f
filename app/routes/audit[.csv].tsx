import type { LoaderFunctionArgs } from "@remix-run/node";
import { and, asc, eq, gte, lt, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { db } from "../../db/client";
import { auditLog, cases, users } from "../../db/schema";
import { requireRole } from "~/access/guards.server";
import { addDays, isIsoDate, stockholmMidnight } from "../../machines/calendar";

/**
 * The audit trail as CSV for archiving: one case (`?case=CHG-2026-00001`) or a period
 * (`?from=2026-01-01&to=2026-12-31`, Stockholm dates, inclusive), with the hash chain columns.
 */
const actor = alias(users, "actor");

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n;]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : text;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", "service-centre");
  const url = new URL(request.url);
  const number = url.searchParams.get("case");
  const from = url.searchParams.get("from");
  const to = url.searchParams.get("to");
  const conditions: SQL[] = [];
  if (number) {
    const [c] = number.includes("\0") ? [] : await db().select({ id: cases.id }).from(cases).where(eq(cases.number, number.slice(0, 40)));
    if (!c) return new Response("No such case", { status: 404 });
    conditions.push(eq(auditLog.caseId, c.id));
  } else if (from && to && isIsoDate(from) && isIsoDate(to) && from <= to) {
    conditions.push(gte(auditLog.at, stockholmMidnight(from)), lt(auditLog.at, stockholmMidnight(addDays(to, 1))));
  } else {
    return new Response("Give ?case=NUMBER, or ?from=YYYY-MM-DD&to=YYYY-MM-DD", { status: 400 });
  }
  const rows = await db()
    .select({ a: auditLog, caseNumber: cases.number, actorName: actor.name, actorEmail: actor.email })
    .from(auditLog)
    .leftJoin(cases, eq(cases.id, auditLog.caseId))
    .leftJoin(actor, eq(actor.id, auditLog.actorUserId))
    .where(and(...conditions))
    .orderBy(asc(auditLog.id));
  const header = ["id", "at", "actor", "actor_email", "action", "case", "event", "from", "to", "reason", "detail", "prev_hash", "hash"];
  const lines = rows.map(({ a, caseNumber, actorName, actorEmail }) =>
    [a.id, a.at, actorName ?? a.actorLabel ?? "", actorEmail ?? "", a.action, caseNumber ?? "", a.event, a.fromState, a.toState, a.reason, a.detail, a.prevHash, a.hash].map(csvCell).join(","),
  );
  const name = number ? `audit-${number}` : `audit-${from}-${to}`;
  return new Response(`\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n`, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"`, "Cache-Control": "no-store" },
  });
}
