import { and, asc, desc, eq, gte, inArray, isNull, or } from "drizzle-orm";

import type { Db } from "../../db/client";
import { auditLog, cases, disturbanceUpdates, disturbances, systems, type Case, type User } from "../../db/schema";
import { inScope, scopeOf } from "~/access/scope.server";
import { STATUS_DAYS_BACK } from "./status.server";
import { WorkflowError } from "./errors";
import { hasRole } from "~/access/roles";

/**
 * Disturbances ("driftstörningar") on the public status page: the service centre publishes an
 * incident of priority 1–2 with a text for the public, adds updates and marks it resolved. The
 * case, its number, its supplier and everything else stay internal; each step is in the trail.
 */
export const DISTURBANCE_PRIORITIES = [1, 2] as const;
export const PUBLIC_TEXT_MAX = 2000;
export const DISTURBANCE_ACTIONS = ["publish", "update", "resolve"] as const;
export type DisturbanceAction = (typeof DISTURBANCE_ACTIONS)[number];

const DAY_MS = 86_400_000;

export type Disturbance = {
  publicText: string;
  publishedAt: string;
  resolvedAt: string | null;
  updates: { text: string; at: string }[];
};

/** A case's disturbance as its page and the API show it: only what is public anyway. */
export async function disturbanceOf(db: Db, caseId: number): Promise<Disturbance | null> {
  const [d] = await db.select().from(disturbances).where(eq(disturbances.caseId, caseId));
  if (!d) return null;
  const updates = await db.select().from(disturbanceUpdates).where(eq(disturbanceUpdates.disturbanceId, d.id)).orderBy(asc(disturbanceUpdates.id));
  return {
    publicText: d.publicText,
    publishedAt: d.publishedAt.toISOString(),
    resolvedAt: d.resolvedAt?.toISOString() ?? null,
    updates: updates.map((u) => ({ text: u.text, at: u.at.toISOString() })),
  };
}

/** Whether the case may be published as a disturbance: an incident of priority 1–2 past its draft. */
export const mayPublish = (c: Pick<Case, "type" | "priority" | "status">) =>
  c.type === "emergency" && (DISTURBANCE_PRIORITIES as readonly number[]).includes(c.priority ?? 0) && c.status !== "draft";

/**
 * One step on a case's disturbance by the service centre: publish it with a public text, add an
 * update, or mark it resolved (at `resolvedAt`, default now: not in the future, not before it
 * was published). Refusals: 403 (not the service centre), 404 (no such case in scope), 409 (the
 * step does not fit: not a priority 1–2 incident, already published, not published, resolved),
 * 422 (the text or the time, at the field).
 */
export async function applyDisturbance(
  db: Db,
  user: User,
  number: string,
  input: { action: DisturbanceAction; text?: string; resolvedAt?: string },
  now = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.number, number)).for("update");
    if (!c || !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
    if (!hasRole(user, "service-centre")) throw new WorkflowError(403, "Only the service centre publishes disturbances.");
    if (!mayPublish(c)) throw new WorkflowError(409, "Only an incident of priority 1 or 2 is published as a disturbance.");
    const [d] = await tx.select().from(disturbances).where(eq(disturbances.caseId, c.id));
    const text = (input.text ?? "").trim();
    const needText = () => {
      if (!text) throw new WorkflowError(422, "Write the text the public sees.", { publicText: { key: "validation.required" } });
      if (text.length > PUBLIC_TEXT_MAX)
        throw new WorkflowError(422, "The text is too long.", { publicText: { key: "validation.tooLong", params: { max: PUBLIC_TEXT_MAX } } });
    };
    let event: string;
    if (input.action === "publish") {
      if (d) throw new WorkflowError(409, "The disturbance is already published.");
      needText();
      await tx.insert(disturbances).values({ caseId: c.id, publicText: text, publishedAt: now, publishedById: user.id });
      event = "DISTURBANCE_PUBLISHED";
    } else {
      if (!d) throw new WorkflowError(409, "The disturbance is not published.");
      if (d.resolvedAt) throw new WorkflowError(409, "The disturbance is already resolved.");
      if (input.action === "update") {
        needText();
        await tx.insert(disturbanceUpdates).values({ disturbanceId: d.id, text, at: now, authorId: user.id });
        event = "DISTURBANCE_UPDATED";
      } else {
        if (text.length > PUBLIC_TEXT_MAX)
          throw new WorkflowError(422, "The text is too long.", { publicText: { key: "validation.tooLong", params: { max: PUBLIC_TEXT_MAX } } });
        const resolvedAt = input.resolvedAt?.trim() ? new Date(input.resolvedAt) : now;
        if (Number.isNaN(resolvedAt.getTime())) throw new WorkflowError(422, "Give a time.", { resolvedAt: { key: "case.window.iso" } });
        if (resolvedAt > now) throw new WorkflowError(422, "It cannot be resolved in the future.", { resolvedAt: { key: "disturbance.resolvedFuture" } });
        if (resolvedAt < d.publishedAt)
          throw new WorkflowError(422, "It cannot be resolved before it was published.", { resolvedAt: { key: "disturbance.resolvedBeforePublished" } });
        await tx.update(disturbances).set({ resolvedAt }).where(eq(disturbances.id, d.id));
        // The resolution's own line, if a text says what was done.
        if (text) await tx.insert(disturbanceUpdates).values({ disturbanceId: d.id, text, at: resolvedAt, authorId: user.id });
        event = "DISTURBANCE_RESOLVED";
      }
    }
    await tx.insert(auditLog).values({
      action: "case.disturbance",
      actorUserId: user.id,
      caseId: c.id,
      event,
      fromState: c.status,
      toState: c.status,
      reason: text || null,
      detail: input.resolvedAt ? { resolvedAt: input.resolvedAt } : {},
    });
  });
}

export type PublicDisturbance = {
  key: string;
  systemName: string;
  text: string;
  publishedAt: string;
  resolvedAt: string | null;
  updates: { key: string; text: string; at: string }[];
};

/** The public list: current disturbances, and those resolved within STATUS_DAYS_BACK days; newest first. */
export async function publicDisturbances(db: Db, now = new Date()): Promise<PublicDisturbance[]> {
  const since = new Date(now.getTime() - STATUS_DAYS_BACK * DAY_MS);
  const rows = await db
    .select({
      id: disturbances.id,
      publicId: disturbances.publicId,
      systemName: systems.name,
      text: disturbances.publicText,
      publishedAt: disturbances.publishedAt,
      resolvedAt: disturbances.resolvedAt,
    })
    .from(disturbances)
    .innerJoin(cases, eq(cases.id, disturbances.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(or(isNull(disturbances.resolvedAt), gte(disturbances.resolvedAt, since)))
    .orderBy(desc(disturbances.publishedAt), desc(disturbances.id));
  const updates = rows.length
    ? await db
        .select()
        .from(disturbanceUpdates)
        .where(
          and(
            inArray(
              disturbanceUpdates.disturbanceId,
              rows.map((r) => r.id),
            ),
          ),
        )
        .orderBy(asc(disturbanceUpdates.at), asc(disturbanceUpdates.id))
    : [];
  return rows.map((r) => ({
    key: r.publicId,
    systemName: r.systemName,
    text: r.text,
    publishedAt: r.publishedAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    updates: updates.filter((u) => u.disturbanceId === r.id).map((u) => ({ key: u.publicId, text: u.text, at: u.at.toISOString() })),
  }));
}
