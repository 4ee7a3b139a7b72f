import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";

export type AuditEntry = {
  action: string;
  actorUserId?: number | null;
  actorLabel?: string | null;
  subjectUserId?: number | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
};

/** Appends one row to the audit trail and returns its id. Call it inside the transaction of what it records. */
export async function audit(db: Db, entry: AuditEntry): Promise<number> {
  const [row] = await db
    .insert(auditLog)
    .values({
      action: entry.action,
      actorUserId: entry.actorUserId ?? null,
      actorLabel: entry.actorLabel ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ?? {},
    })
    .returning({ id: auditLog.id });
  return row!.id;
}
