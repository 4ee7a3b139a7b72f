import { and, eq, sql, type SQLWrapper } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, cases, systemAdministrators, systems, type AccessWindow, type Case, type User } from "../../db/schema";
import {
  approvalProblems,
  freezeProblems,
  grantProblems,
  CASE_MACHINES,
  canCase,
  initialWindow,
  isEmpty,
  permitted,
  stateAccepts,
  stepCase,
  stepWindow,
  SYSTEM_ACTOR,
  WINDOW_MACHINE,
  windowProblems,
  type Actor,
  type CaseEvent,
  type CaseType,
  type Persisted,
  type WindowEvent,
  caseStatusOf,
  windowStateOf,
} from "../../machines";
import { conflictsFor, freezeCount } from "./conflicts.server";
import { invalid, WorkflowError } from "./errors";
import { queueMessages } from "./messages.server";
import { planConnectorSteps } from "~/connectors/steps.server";
import { hasWebhooks, queueWebhooks } from "~/connectors/webhooks.server";
import { WINDOW_EVENTS, type EventInput } from "./schemas";
import { rolesOf } from "~/access/roles";
import { actingFor, onBehalfOf } from "~/access/substitutes.server";

/**
 * The kernel of every change to a case: who the sender is to the case (`actorFor`), the audit row
 * of a transition, and the commits — a case's next state (version-guarded) with its messages and
 * consequences, a window's next state with its case's follow-up — each inside the caller's
 * transaction. The commands (commands.server.ts) and the scheduler go through these, nothing else.
 */

/** What a person is to a system's cases beyond their role, as columns of a query (one home: actorFor and the case page's read). */
export function relationColumns(userId: number, systemId: number | SQLWrapper, requesterId: number | SQLWrapper) {
  // The person, and whoever they stand in for today (app/access/substitutes.server.ts).
  const as = sql`(${userId} = ${systemAdministrators.userId} or ${systemAdministrators.userId} in ${actingFor(userId)})`;
  return {
    administers: sql<boolean>`exists (select 1 from ${systemAdministrators} where ${systemAdministrators.systemId} = ${systemId} and ${as})`,
    owns: sql<boolean>`exists (select 1 from ${systems} where ${systems.id} = ${systemId} and (${systems.ownerUserId} = ${userId} or ${systems.ownerUserId} in ${actingFor(userId)}))`,
    /** The case was requested by someone they stand in for: theirs, to them, as it is to the person. */
    forRequester: sql<boolean>`(${requesterId} in ${actingFor(userId)})`,
  };
}

/** The actor a person is on case `c`, given the relation columns' answer. */
export function actorOf(user: User, c: Case, facts: { administers: boolean; owns: boolean; forRequester?: boolean } | undefined): Actor {
  return {
    userId: user.id,
    roles: rolesOf(user),
    isRequester: c.requesterId === user.id || Boolean(facts?.forRequester),
    administersSystem: Boolean(facts?.administers),
    ownsSystem: Boolean(facts?.owns),
    ofSupplier: user.role === "supplier" && c.supplierId !== null && c.supplierId === user.organisationId,
  };
}

export async function actorFor(db: Db, user: User | null, c: Case): Promise<Actor> {
  if (!user) return SYSTEM_ACTOR;
  const [facts] = await db.select(relationColumns(user.id, c.systemId, c.requesterId)).from(sql`(select 1) as one`);
  return actorOf(user, c, facts);
}

export async function auditTransition(
  tx: Db,
  entry: { user: User | null; caseId: number; event: string; from: string | null; to: string; reason?: string | null; detail?: Record<string, unknown> },
): Promise<number> {
  // A substitute's step on the absent person's case is theirs "on behalf of" the person.
  const behalf = entry.user ? await onBehalfOf(tx, entry.user.id, entry.caseId) : null;
  const [row] = await tx
    .insert(auditLog)
    .values({
      action: "case.transition",
      actorUserId: entry.user?.id ?? null,
      actorLabel: entry.user ? null : "system",
      caseId: entry.caseId,
      event: entry.event,
      fromState: entry.from,
      toState: entry.to,
      reason: entry.reason ?? null,
      detail: { ...entry.detail, ...(behalf ? { onBehalfOf: behalf } : {}) },
    })
    .returning({ id: auditLog.id });
  return row!.id;
}

/** The machine event for an API event on a case of `type`. */
export function machineEventType(type: CaseType, apiType: EventInput["type"]): { target: "case" | "window"; type: string } {
  if (type === "standing-access") return { target: "case", type: apiType === "REVOKE" ? "REVOKE_ACCESS" : apiType };
  return (WINDOW_EVENTS as readonly string[]).includes(apiType) ? { target: "window", type: apiType } : { target: "case", type: apiType };
}

export function eventDetail(input: EventInput): Record<string, unknown> {
  const { type: _type, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** Writes a case's next state (version-guarded), its audit row, messages and consequences. */
export async function commitCase(
  tx: Db,
  user: User | null,
  c: Case,
  next: Persisted,
  change: { event: string; reason: string | null; now: Date; detail?: Record<string, unknown>; meetingId?: number },
): Promise<Case> {
  let type = c.type;
  let state = next;
  let reason = change.reason;
  // A simple change handed to the advanced process continues in that machine; the lead time of
  // an advanced change is checked again, and a window that no longer meets it goes back to the
  // requester with the earliest allowed date.
  if (c.type === "simple-change" && next.value === "reclassified") {
    type = "advanced-change";
    const context: Record<string, unknown> = { ...next.context, caseType: "advanced-change" };
    const submitted = c.submittedAt ?? change.now;
    const problems = windowProblems("advanced-change", context.window as never, submitted);
    const early = problems["window.start"];
    state = { value: early ? "returned" : "in-review", context };
    if (early) reason = `${reason ? `${reason} ` : ""}[lead time: earliest ${early.params?.date}]`;
  }
  const window = (state.context as { window?: { start: string; end: string } | null }).window;
  const [updated] = await tx
    .update(cases)
    .set({
      type,
      state,
      status: caseStatusOf(state.value),
      machineVersion: CASE_MACHINES[type].version,
      version: c.version + 1,
      updatedAt: change.now,
      submittedAt: change.event === "SUBMIT" ? change.now : c.submittedAt,
      ...(change.meetingId !== undefined ? { cabMeetingId: change.meetingId } : {}),
      ...(change.event === "REFER_TO_CAB" ? { referredAt: change.now } : {}),
      windowStart: window ? new Date(window.start) : c.windowStart,
      windowEnd: window ? new Date(window.end) : c.windowEnd,
    })
    .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
    .returning();
  if (!updated) throw new WorkflowError(409, "The case was changed by someone else; reload and try again.");
  const auditId = await auditTransition(tx, { user, caseId: c.id, event: change.event, from: c.status, to: state.value, reason, detail: change.detail });

  // Approved: the access window is scheduled (an emergency's opens now).
  if (state.value === "approved" && c.status !== "approved" && updated.windowStart && updated.windowEnd) {
    const start = updated.type === "emergency" && updated.windowStart < change.now ? change.now : updated.windowStart;
    const windowState = initialWindow({ caseType: updated.type as never, start: start.toISOString(), end: updated.windowEnd.toISOString() });
    await tx.insert(accessWindows).values({
      caseId: c.id,
      state: windowState,
      machineVersion: WINDOW_MACHINE.version,
      status: windowStateOf(windowState.value),
      startsAt: start,
      endsAt: updated.windowEnd,
    });
  }
  // Cancelled before it opened: so is its window. A window that does not follow is an error, never skipped.
  if (state.value === "cancelled") {
    const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id)).for("update");
    if (w && w.status !== "cancelled") {
      const cancelled = stepWindow(w.state, { type: "CASE_CANCELLED", actor: SYSTEM_ACTOR, now: change.now.toISOString() });
      if (!cancelled) throw new WorkflowError(409, `The case's window is ${w.status}: the case cannot be cancelled now.`);
      await tx
        .update(accessWindows)
        .set({ state: cancelled, status: windowStateOf(cancelled.value), updatedAt: change.now })
        .where(eq(accessWindows.id, w.id));
      await auditTransition(tx, {
        user: null,
        caseId: c.id,
        event: "CASE_CANCELLED",
        from: `window:${w.status}`,
        to: `window:${cancelled.value}`,
        detail: { windowId: w.id },
      });
    }
  }
  // Last: the messages name the window as it now is (an approval's is scheduled above).
  await queueMessages(tx, updated, { auditId, event: change.event, reason });
  await queueWebhooks(tx, updated, { event: change.event, auditId, now: change.now });
  return updated;
}

export async function applyWindowEvent(tx: Db, user: User | null, c: Case, event: WindowEvent, now: Date): Promise<void> {
  const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id)).for("update");
  if (!w) throw new WorkflowError(409, `The case is ${c.status}: it has no access window yet.`);
  if (!permitted(event.type, event.actor)) throw new WorkflowError(403, "You may not do that on this window.");
  if (!stateAccepts(WINDOW_MACHINE.machine, w.state, event.type)) throw new WorkflowError(409, `The window is ${w.status}: ${event.type} is not possible now.`);
  if (event.type === "APPROVE_EXTENSION") {
    const windowContext = w.state.context as { end: string; pendingExtension?: { end: string } | null };
    const pending = windowContext.pendingExtension;
    if (pending) {
      const granting = grantProblems({ end: windowContext.end, pendingExtension: pending as never }, event.end);
      if (!isEmpty(granting)) invalid(granting, "Grant an end after the current one, up to the one asked for.");
      const found = await extensionConflicts(tx, c, windowContext.end, event.end ?? pending.end);
      event.conflicts = found.length;
      event.freezes = freezeCount(found);
      const frozen = freezeProblems(c.type, event);
      if (!isEmpty(frozen)) invalid(frozen, "The added time touches a freeze: approving it needs overrideFreeze and a reason.");
      const problems = approvalProblems(event);
      if (!isEmpty(problems)) invalid(problems, "The extension creates conflicts: approving it needs a reason.");
    }
  }
  const next = stepWindow(w.state, event);
  if (!next) invalid({ _form: { key: "window.event.refused" } }, `${event.type} is not possible now (too early, too late, or its content is not acceptable).`);
  if (!caseFollows(c, w.status, next, now)) throw new WorkflowError(409, `The case is ${c.status}: ${event.type} is not possible on its window.`);
  await commitWindow(tx, user, c, w, next, { event: event.type, reason: (event as { reason?: string }).reason ?? null, now });
}

/** The case event a window's move to `next` implies (opened, closed), or null. */
export function followUpOf(from: string, next: Persisted): "WINDOW_OPENED" | "WINDOW_CLOSED" | null {
  if (next.value === "open" && from !== "open") return "WINDOW_OPENED";
  if (next.value === "closed" && from !== "closed") return "WINDOW_CLOSED";
  return null;
}

/** Whether the case accepts what the window's move implies: no window opens for a case that is not approved. */
export function caseFollows(c: Case, from: string, next: Persisted, now: Date): boolean {
  const followUp = followUpOf(from, next);
  return !followUp || canCase(c.type, c.state, { type: followUp, actor: SYSTEM_ACTOR, now: now.toISOString() } as CaseEvent);
}

/** The conflicts of the time an extension adds: from the window's current end to `end` (the window's own were weighed at its approval). */
export async function extensionConflicts(tx: Db, c: Pick<Case, "id" | "systemId">, currentEnd: string | Date, end: string | Date) {
  return conflictsFor(tx, c.systemId, { start: new Date(currentEnd), end: new Date(end) }, c.id);
}

/** Writes a window's next state and moves its case along when the window opened or closed. */
export async function commitWindow(
  tx: Db,
  user: User | null,
  c: Case,
  w: AccessWindow,
  next: Persisted,
  change: { event: string; reason: string | null; now: Date },
): Promise<void> {
  const context = next.context as { end: string };
  await tx
    .update(accessWindows)
    .set({
      state: next,
      status: windowStateOf(next.value),
      endsAt: new Date(context.end),
      grantedAt: next.value === "open" && w.status !== "open" ? change.now : w.grantedAt,
      closedAt: next.value === "closed" && w.status !== "closed" ? change.now : w.closedAt,
      updatedAt: change.now,
    })
    .where(eq(accessWindows.id, w.id));
  // What the move asks of the directory and the monitoring: carried out after the commit (app/connectors).
  await planConnectorSteps(tx, c, w, next, change.event, change.now);
  const auditId = await auditTransition(tx, {
    user,
    caseId: c.id,
    event: change.event,
    from: `window:${w.status}`,
    to: `window:${next.value}`,
    reason: change.reason,
    detail: { windowId: w.id, end: context.end },
  });
  await queueMessages(tx, c, { auditId, event: change.event, reason: change.reason });

  if (change.event === "APPROVE_EXTENSION") {
    // The case's window is the access window's: its state too, or the next step of the case
    // (the window closing) would write the old end back.
    const [current] = await tx.select({ state: cases.state }).from(cases).where(eq(cases.id, c.id));
    const caseContext = current!.state.context as { window?: { start: string; end: string } | null };
    const state = caseContext.window ? { ...current!.state, context: { ...caseContext, window: { ...caseContext.window, end: context.end } } } : current!.state;
    await tx
      .update(cases)
      .set({ windowEnd: new Date(context.end), state, updatedAt: change.now })
      .where(eq(cases.id, c.id));
  }
  const caseEvent = followUpOf(w.status, next);
  if (caseEvent) {
    const [fresh] = await tx.select().from(cases).where(eq(cases.id, c.id));
    const followed = stepCase(fresh!.type, fresh!.state, { type: caseEvent, actor: SYSTEM_ACTOR, now: change.now.toISOString() } as CaseEvent);
    // The window and its case move together or not at all (the transaction rolls back).
    if (!followed) throw new WorkflowError(409, `The case is ${fresh!.status}: its window cannot ${caseEvent === "WINDOW_OPENED" ? "open" : "close"}.`);
    await commitCase(tx, null, fresh!, followed, { event: caseEvent, reason: null, now: change.now });
  }
  // Last, so the subscribers read the case and the window as they now are.
  if (hasWebhooks(change.event)) {
    const [current] = await tx.select().from(cases).where(eq(cases.id, c.id));
    await queueWebhooks(tx, current!, { event: change.event, auditId, now: change.now });
  }
}
