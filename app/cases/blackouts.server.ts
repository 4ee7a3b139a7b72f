import { and, asc, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import { blackoutPeriods, systems, type BlackoutPeriod, type User } from "../../db/schema";
import { addDays, FREEZE_HORIZON_DAYS, isoToStockholmLocal, isIsoDate, laterOccurrences, stockholmLocalToIso, stockholmMidnight } from "../../machines/time";
import { FREEZE_REPEATS, type FreezeRepeats } from "../../machines/vocabulary";
import { audit } from "~/audit/audit.server";
import { optionalId, text } from "~/ui/fields";
import { validate, type FieldErrors, msg } from "~/ui/forms";

/**
 * Blackout periods ("frysperioder"): times when no planned change may be approved without the
 * service centre's override, for one system, for a system and everything connected to it, or for
 * all. Conflict checks and the schedule read them; the service centre and administrators keep
 * them. Times are typed as Stockholm wall-clock time (datetime-local) and stored as instants.
 * A recurring freeze (every week, every year) is kept as rows, one per occurrence, up to
 * FREEZE_HORIZON_DAYS ahead (`extendFreezes`, in the scheduler's duties), so the conflict and
 * schedule queries read occurrences like any freeze. Each change and its audit row are one
 * transaction.
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

const FREEZE_SCOPES = ["system", "closure", "all"] as const;

const blackoutSchema = z
  .object({
    // Without a scope (an older form, the API): a system's freeze when a system is named, else all systems'.
    scope: z.preprocess((v) => (v === "" ? undefined : v), z.enum(FREEZE_SCOPES, { error: msg("validation.choose") }).optional()),
    systemId: optionalId,
    start: stockholmLocal,
    end: stockholmLocal,
    reason: text(200),
    repeats: z.preprocess((v) => (v === "" ? undefined : v), z.enum(FREEZE_REPEATS, { error: msg("validation.choose") }).optional()),
    until: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .refine((d) => isIsoDate(d), msg("validation.invalid"))
        .optional(),
    ),
  })
  // zod runs an object's refinement even when a field failed: compare only good values.
  .transform((v) => ({ ...v, scope: v.scope ?? (v.systemId === undefined ? ("all" as const) : ("system" as const)) }))
  .superRefine((v, ctx) => {
    const good = v.start instanceof Date && v.end instanceof Date;
    if (good && v.end.getTime() <= v.start.getTime()) ctx.addIssue({ code: "custom", path: ["end"], message: msg("case.window.endBeforeStart") });
    if (v.scope !== "all" && v.systemId === undefined) ctx.addIssue({ code: "custom", path: ["systemId"], message: msg("admin.blackouts.systemRequired") });
    // A weekly freeze shorter than a week, a yearly one shorter than a year: occurrences never overlap.
    const longest = v.repeats === "weekly" ? 7 : v.repeats === "yearly" ? 365 : Infinity;
    if (good && v.end.getTime() - v.start.getTime() >= longest * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["end"], message: msg(v.repeats === "weekly" ? "admin.blackouts.tooLongWeekly" : "admin.blackouts.tooLongYearly") });
    if (v.until && !v.repeats) ctx.addIssue({ code: "custom", path: ["until"], message: msg("admin.blackouts.untilWithoutRepeats") });
    if (v.until && good && v.until < isoToStockholmLocal(v.start).slice(0, 10))
      ctx.addIssue({ code: "custom", path: ["until"], message: msg("admin.blackouts.untilBeforeStart") });
  });

/** The instant after the last day an occurrence may start: midnight after `until`, Stockholm time. */
const afterDay = (until: string) => stockholmMidnight(addDays(until, 1));

/**
 * Adds the occurrences of every recurring freeze that are missing up to the horizon (idempotent:
 * an occurrence is one row per freeze and start). Returns how many it added.
 */
export async function extendFreezes(db: Db, now = new Date()): Promise<number> {
  const rules = await db
    .select()
    .from(blackoutPeriods)
    .where(
      and(isNotNull(blackoutPeriods.repeats), isNull(blackoutPeriods.parentId), or(isNull(blackoutPeriods.repeatUntil), gt(blackoutPeriods.repeatUntil, now))),
    );
  let added = 0;
  for (const rule of rules) added += await layOutOccurrences(db, rule, now);
  return added;
}

/** Writes the occurrences of recurring freeze `rule` after its first, up to the horizon, that are not there yet; how many it wrote. */
async function layOutOccurrences(db: Db, rule: BlackoutPeriod, now: Date): Promise<number> {
  if (!rule.repeats) return 0;
  const horizon = new Date(now.getTime() + FREEZE_HORIZON_DAYS * 86_400_000);
  const occurrences = laterOccurrences({ start: rule.startsAt, end: rule.endsAt }, rule.repeats, rule.repeatUntil, horizon);
  if (!occurrences.length) return 0;
  const inserted = await db
    .insert(blackoutPeriods)
    .values(
      occurrences.map((o) => ({
        systemId: rule.systemId,
        closure: rule.closure,
        startsAt: o.start,
        endsAt: o.end,
        reason: rule.reason,
        parentId: rule.id,
        createdById: rule.createdById,
      })),
    )
    .onConflictDoNothing({ target: [blackoutPeriods.parentId, blackoutPeriods.startsAt] })
    .returning({ id: blackoutPeriods.id });
  return inserted.length;
}

export type FreezeRow = {
  id: number;
  systemCode: string | null;
  systemName: string | null;
  closure: boolean;
  startsAt: string;
  endsAt: string;
  reason: string;
  repeats: FreezeRepeats | null;
  repeatUntil: string | null;
  /** A recurring freeze's next occurrence not yet over (null when none is left). */
  next: { startsAt: string; endsAt: string } | null;
  past: boolean;
};

/**
 * The freezes as the list shows them: each one-off freeze and each recurring freeze once (with its
 * next occurrence), current and coming ones first in the order they start, past ones apart.
 */
export async function listBlackouts(db: Db, now = new Date()) {
  const [periods, nextOf, systemOptions] = await Promise.all([
    db
      .select({
        id: blackoutPeriods.id,
        systemCode: systems.code,
        systemName: systems.name,
        closure: blackoutPeriods.closure,
        startsAt: blackoutPeriods.startsAt,
        endsAt: blackoutPeriods.endsAt,
        reason: blackoutPeriods.reason,
        repeats: blackoutPeriods.repeats,
        repeatUntil: blackoutPeriods.repeatUntil,
      })
      .from(blackoutPeriods)
      .leftJoin(systems, eq(systems.id, blackoutPeriods.systemId))
      .where(isNull(blackoutPeriods.parentId))
      .orderBy(asc(blackoutPeriods.startsAt), asc(blackoutPeriods.id)),
    // The first occurrence not yet over, for each recurring freeze.
    db
      .selectDistinctOn([sql`coalesce(${blackoutPeriods.parentId}, ${blackoutPeriods.id})`], {
        family: sql<number>`coalesce(${blackoutPeriods.parentId}, ${blackoutPeriods.id})`.mapWith(Number),
        startsAt: blackoutPeriods.startsAt,
        endsAt: blackoutPeriods.endsAt,
      })
      .from(blackoutPeriods)
      .where(and(gt(blackoutPeriods.endsAt, now), or(isNotNull(blackoutPeriods.parentId), isNotNull(blackoutPeriods.repeats))))
      .orderBy(sql`coalesce(${blackoutPeriods.parentId}, ${blackoutPeriods.id})`, asc(blackoutPeriods.startsAt)),
    db.select({ id: systems.id, code: systems.code, name: systems.name }).from(systems).where(eq(systems.active, true)).orderBy(asc(systems.code)),
  ]);
  const next = new Map(nextOf.map((n) => [n.family, { startsAt: n.startsAt.toISOString(), endsAt: n.endsAt.toISOString() }]));
  const rows: FreezeRow[] = periods.map((p) => {
    const upcoming = p.repeats ? (next.get(p.id) ?? null) : null;
    return {
      ...p,
      startsAt: p.startsAt.toISOString(),
      endsAt: p.endsAt.toISOString(),
      repeatUntil: p.repeatUntil ? p.repeatUntil.toISOString() : null,
      next: upcoming,
      past: p.repeats ? !upcoming : p.endsAt.getTime() <= now.getTime(),
    };
  });
  // Current and coming freezes by when they (next) start; past ones most recent first.
  const when = (r: FreezeRow) => Date.parse(r.next?.startsAt ?? r.startsAt);
  return {
    current: rows.filter((r) => !r.past).sort((a, b) => when(a) - when(b) || a.id - b.id),
    past: rows.filter((r) => r.past).sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt) || b.id - a.id),
    systems: systemOptions,
  };
}

/** Creates a blackout (and, when it recurs, its occurrences ahead) from a form's values; field errors when they do not make one. */
export async function createBlackout(
  db: Db,
  user: Pick<User, "id">,
  raw: Record<string, unknown>,
  ip: string,
  now = new Date(),
): Promise<{ ok: true; id: number } | { ok: false; fieldErrors: FieldErrors }> {
  const parsed = validate(blackoutSchema, raw);
  if (!parsed.ok) return parsed;
  const { scope, start, end, reason, repeats, until } = parsed.value;
  const systemId = scope === "all" ? undefined : parsed.value.systemId;
  if (systemId !== undefined) {
    const [system] = await db.select({ id: systems.id }).from(systems).where(eq(systems.id, systemId));
    if (!system) return { ok: false, fieldErrors: { systemId: { key: "validation.choose" } } };
  }
  const repeatUntil = repeats && until ? afterDay(until) : null;
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(blackoutPeriods)
      .values({
        systemId: systemId ?? null,
        closure: scope === "closure",
        startsAt: start,
        endsAt: end,
        reason,
        repeats: repeats ?? null,
        repeatUntil,
        createdById: user.id,
      })
      .returning();
    await layOutOccurrences(tx, row!, now);
    await audit(tx, {
      action: "blackout.created",
      actorUserId: user.id,
      ip,
      detail: {
        blackoutId: row!.id,
        systemId: systemId ?? null,
        scope,
        start: start.toISOString(),
        end: end.toISOString(),
        reason,
        ...(repeats ? { repeats, until: until ?? null } : {}),
      },
    });
    return row!.id;
  });
  return { ok: true, id };
}

/** Deletes a blackout (a recurring one with all its occurrences); whether there was one. */
export async function deleteBlackout(db: Db, user: Pick<User, "id">, id: number, ip: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // An occurrence is deleted through its recurring freeze, never alone.
    const [row] = await tx
      .delete(blackoutPeriods)
      .where(and(eq(blackoutPeriods.id, id), isNull(blackoutPeriods.parentId)))
      .returning();
    if (!row) return false;
    await audit(tx, {
      action: "blackout.deleted",
      actorUserId: user.id,
      ip,
      detail: {
        blackoutId: id,
        systemId: row.systemId,
        closure: row.closure,
        start: row.startsAt.toISOString(),
        end: row.endsAt.toISOString(),
        reason: row.reason,
        ...(row.repeats ? { repeats: row.repeats } : {}),
      },
    });
    return true;
  });
}
