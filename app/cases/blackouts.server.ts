import { asc, desc, eq } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import { blackoutPeriods, systems, type User } from "../../db/schema";
import { stockholmLocalToIso } from "../../machines/time";
import { audit } from "~/audit/audit.server";
import { optionalId, text, validate, type FieldErrors, msg } from "~/ui/forms";

/**
 * Blackout periods ("frysperioder"): times when no window may be planned, for one system or for
 * all. Conflict checks and the schedule read them; the service centre and administrators keep
 * them. Times are typed as Stockholm wall-clock time (datetime-local) and stored as instants.
 * Each change and its audit row are one transaction.
 */
/** A datetime-local value ("2026-12-24T08:00", seconds tolerated) in Stockholm, as an instant. */
const stockholmLocal = z
  .string({ error: msg("validation.required") })
  .trim()
  .min(1, msg("validation.required"))
  .transform((value, ctx) => {
    const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? value.slice(0, 16) : value;
    const iso = stockholmLocalToIso(local);
    if (!iso) {
      ctx.addIssue({ code: "custom", message: msg("validation.invalid") });
      return z.NEVER;
    }
    return new Date(iso);
  });

const blackoutSchema = z
  .object({
    systemId: optionalId,
    start: stockholmLocal,
    end: stockholmLocal,
    reason: text(200),
  })
  // zod runs an object's refinement even when a field failed: compare only two good instants.
  .refine((v) => !(v.start instanceof Date && v.end instanceof Date) || v.end.getTime() > v.start.getTime(), {
    path: ["end"],
    message: msg("case.window.endBeforeStart"),
  });

export async function listBlackouts(db: Db, now = new Date()) {
  const [periods, systemOptions] = await Promise.all([
    db
      .select({
        id: blackoutPeriods.id,
        systemCode: systems.code,
        systemName: systems.name,
        startsAt: blackoutPeriods.startsAt,
        endsAt: blackoutPeriods.endsAt,
        reason: blackoutPeriods.reason,
      })
      .from(blackoutPeriods)
      .leftJoin(systems, eq(systems.id, blackoutPeriods.systemId))
      .orderBy(desc(blackoutPeriods.startsAt), desc(blackoutPeriods.id)),
    db.select({ id: systems.id, code: systems.code, name: systems.name }).from(systems).where(eq(systems.active, true)).orderBy(asc(systems.code)),
  ]);
  return {
    periods: periods.map((p) => ({ ...p, startsAt: p.startsAt.toISOString(), endsAt: p.endsAt.toISOString(), past: p.endsAt.getTime() <= now.getTime() })),
    systems: systemOptions,
  };
}

/** Creates a blackout from a form's values; field errors when they do not make one. */
export async function createBlackout(
  db: Db,
  user: Pick<User, "id">,
  raw: Record<string, unknown>,
  ip: string,
): Promise<{ ok: true; id: number } | { ok: false; fieldErrors: FieldErrors }> {
  const parsed = validate(blackoutSchema, raw);
  if (!parsed.ok) return parsed;
  const { systemId, start, end, reason } = parsed.value;
  if (systemId !== undefined) {
    const [system] = await db.select({ id: systems.id }).from(systems).where(eq(systems.id, systemId));
    if (!system) return { ok: false, fieldErrors: { systemId: { key: "validation.choose" } } };
  }
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(blackoutPeriods)
      .values({ systemId: systemId ?? null, startsAt: start, endsAt: end, reason, createdById: user.id })
      .returning({ id: blackoutPeriods.id });
    await audit(tx, {
      action: "blackout.created",
      actorUserId: user.id,
      ip,
      detail: { blackoutId: row!.id, systemId: systemId ?? null, start: start.toISOString(), end: end.toISOString(), reason },
    });
    return row!.id;
  });
  return { ok: true, id };
}

/** Deletes a blackout; whether there was one. */
export async function deleteBlackout(db: Db, user: Pick<User, "id">, id: number, ip: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(blackoutPeriods).where(eq(blackoutPeriods.id, id)).returning();
    if (!row) return false;
    await audit(tx, {
      action: "blackout.deleted",
      actorUserId: user.id,
      ip,
      detail: { blackoutId: id, systemId: row.systemId, start: row.startsAt.toISOString(), end: row.endsAt.toISOString(), reason: row.reason },
    });
    return true;
  });
}
