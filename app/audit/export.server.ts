import { and, asc, eq, gte, lt, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { auditLog, cases, users } from "../../db/schema";
import { addDays, isIsoDate, stockholmMidnight } from "../../machines/calendar";
import { csvCell } from "~/http/csv.server";

/**
 * The audit trail as CSV for archiving: one case (`case`) or a period (`from`–`to`, Stockholm
 * dates, inclusive), with the hash chain columns. Cells that a spreadsheet would take for a
 * formula are defused.
 */
const actor = alias(users, "actor");

export type AuditExport = { ok: true; name: string; csv: string } | { ok: false; status: 400 | 404; message: string };

export async function auditCsv(db: Db, query: { case?: string | null; from?: string | null; to?: string | null }): Promise<AuditExport> {
  const conditions: SQL[] = [];
  const { from, to } = query;
  const number = query.case;
  if (number) {
    const [c] = number.includes("\0")
      ? []
      : await db
          .select({ id: cases.id })
          .from(cases)
          .where(eq(cases.number, number.slice(0, 40)));
    if (!c) return { ok: false, status: 404, message: "No such case" };
    conditions.push(eq(auditLog.caseId, c.id));
  } else if (from && to && isIsoDate(from) && isIsoDate(to) && from <= to) {
    conditions.push(gte(auditLog.at, stockholmMidnight(from)), lt(auditLog.at, stockholmMidnight(addDays(to, 1))));
  } else {
    return { ok: false, status: 400, message: "Give ?case=NUMBER, or ?from=YYYY-MM-DD&to=YYYY-MM-DD" };
  }
  const rows = await db
    .select({ a: auditLog, caseNumber: cases.number, actorName: actor.name, actorEmail: actor.email })
    .from(auditLog)
    .leftJoin(cases, eq(cases.id, auditLog.caseId))
    .leftJoin(actor, eq(actor.id, auditLog.actorUserId))
    .where(and(...conditions))
    .orderBy(asc(auditLog.id));
  const header = ["id", "at", "actor", "actor_email", "action", "case", "event", "from", "to", "reason", "detail", "prev_hash", "hash"];
  const lines = rows.map(({ a, caseNumber, actorName, actorEmail }) =>
    [
      a.id,
      a.at,
      actorName ?? a.actorLabel ?? "",
      actorEmail ?? "",
      a.action,
      caseNumber ?? "",
      a.event,
      a.fromState,
      a.toState,
      a.reason,
      a.detail,
      a.prevHash,
      a.hash,
    ]
      .map(csvCell)
      .join(","),
  );
  return { ok: true, name: number ? `audit-${number}` : `audit-${from}-${to}`, csv: `\uFEFF${[header.join(","), ...lines].join("\r\n")}\r\n` };
}
