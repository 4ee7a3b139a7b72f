import { and, asc, count, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import {
  accessWindows,
  auditLog,
  caseCounters,
  cases,
  organisations,
  systemAdministrators,
  systems,
  users,
  type AccessWindow,
  type Case,
  type User,
} from "../../db/schema";
import {
  approvalProblems,
  CASE_MACHINES,
  canCase,
  canWindow,
  DEFAULT_EMERGENCY_HOURS,
  initialCase,
  initialWindow,
  isEmpty,
  longWindowProblems,
  permitted,
  stateAccepts,
  stepCase,
  stepWindow,
  submissionProblems,
  SYSTEM_ACTOR,
  WINDOW_MACHINE,
  windowProblems,
  type Actor,
  type CaseEvent,
  type CaseType,
  type Persisted,
  type Problems,
  type Window,
  type WindowEvent,
} from "../../machines";
import { inScope, scopeOf, type Scope } from "~/access/scope.server";
import { audienceOf, detailsFor, reasonFor } from "~/access/redaction";
import { addDays, isIsoDate, stockholmDate, stockholmMidnight } from "../../machines/calendar";
import type { FieldErrors } from "~/ui/forms";
import { fieldErrorsOf } from "~/ui/forms";
import { getMeeting, meetingForReferral, upcomingMeetings } from "../cab/meetings.server";
import { conflictsFor, conflictsOf } from "./conflicts.server";
import { queueMessages } from "./messages.server";
import { priorityOf, RESPONSE_TARGETS, type Priority } from "../../machines/priority";
import { createCaseInput, draftInput, eventInput, WINDOW_EVENTS, type CreateCaseInput, type DraftInput, type EventInput } from "./schemas";

/**
 * The one service that changes cases. Every change — from a form or from the API — is an event:
 * load the case, restore its machine state, check who may send the event (403), whether its
 * content is acceptable (422) and whether the state accepts it (409), then persist the next state
 * guarded by the case's version, with its audit row and its outbox messages, in one transaction.
 */
export class WorkflowError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422,
    readonly error: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(error);
  }
}

const toFieldErrors = (problems: Problems): FieldErrors =>
  Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, { key: p.key as never, params: p.params }]));

function invalid(problems: Problems | FieldErrors, error = "The request is not valid."): never {
  throw new WorkflowError(422, error, toFieldErrors(problems as Problems));
}

const PREFIX: Record<CaseType, string> = { emergency: "INC", "simple-change": "CHG", "advanced-change": "CHG", "standing-access": "ACC" };

/** The next number for a prefix and year; the counter row's lock keeps numbers gapless under concurrency. */
async function nextNumber(tx: Db, prefix: string, year: number): Promise<string> {
  const [row] = await tx
    .insert(caseCounters)
    .values({ prefix, year, last: 1 })
    .onConflictDoUpdate({ target: [caseCounters.prefix, caseCounters.year], set: { last: sql`${caseCounters.last} + 1` } })
    .returning({ last: caseCounters.last });
  return `${prefix}-${year}-${String(row!.last).padStart(5, "0")}`;
}

async function actorFor(db: Db, user: User | null, c: Case): Promise<Actor> {
  if (!user) return SYSTEM_ACTOR;
  const [facts] = await db
    .select({
      administers: sql<boolean>`exists (select 1 from ${systemAdministrators} where ${systemAdministrators.systemId} = ${c.systemId} and ${systemAdministrators.userId} = ${user.id})`,
      owns: sql<boolean>`exists (select 1 from ${systems} where ${systems.id} = ${c.systemId} and ${systems.ownerUserId} = ${user.id})`,
    })
    .from(sql`(select 1) as one`);
  return {
    userId: user.id,
    role: user.role,
    isRequester: c.requesterId === user.id,
    administersSystem: Boolean(facts?.administers),
    ownsSystem: Boolean(facts?.owns),
    ofSupplier: user.role === "supplier" && c.supplierId !== null && c.supplierId === user.organisationId,
  };
}

async function audit(
  tx: Db,
  entry: { user: User | null; caseId: number; event: string; from: string | null; to: string; reason?: string | null; detail?: Record<string, unknown> },
): Promise<number> {
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
      detail: entry.detail ?? {},
    })
    .returning({ id: auditLog.id });
  return row!.id;
}

/** Creates a case as its requester (a draft, or submitted at once). */
export async function createCase(db: Db, user: User, raw: unknown, now = new Date()): Promise<CaseView> {
  const isDraft = typeof raw === "object" && raw !== null && (raw as { draft?: unknown }).draft === true;
  const parsed = (isDraft ? draftInput : createCaseInput).safeParse(raw);
  if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
  const input = parsed.data as CaseInput;
  if (user.role !== "requester") throw new WorkflowError(403, "Only system administrators (requesters) create cases.");

  const [system] = await db.select().from(systems).where(and(eq(systems.code, input.systemCode), eq(systems.active, true)));
  if (!system) invalid({ systemCode: { key: "case.system.unknown" } });
  const scope = await scopeOf(db, user);
  if (!inScope(scope, { systemId: system.id, supplierId: system.supplierId })) invalid({ systemCode: { key: "case.system.notYours" } });

  const supplierId = input.supplierId ?? system.supplierId ?? null;
  if (input.supplierId) {
    const [supplier] = await db.select().from(organisations).where(eq(organisations.id, input.supplierId));
    if (!supplier || supplier.kind !== "supplier" || !supplier.active) invalid({ supplierId: { key: "validation.supplierKind" } });
  }

  const { window, details, priority, prefix, affectsUsers } = shapeCase(input, now);
  if ((input.type === "simple-change" || input.type === "advanced-change") && input.affectedSystems?.length) {
    const known = await db.select({ code: systems.code }).from(systems).where(inArray(systems.code, input.affectedSystems));
    const missing = input.affectedSystems.filter((code) => !known.some((k) => k.code === code));
    if (missing.length) invalid({ affectedSystems: { key: "case.system.unknownList", params: { codes: missing.join(", ") } } });
  }

  // A planned change created from an incident is linked to it (both trails record the link).
  let linkedCase: Case | undefined;
  if ((input.type === "simple-change" || input.type === "advanced-change") && input.linkedCase) {
    [linkedCase] = await db.select().from(cases).where(eq(cases.number, input.linkedCase.toUpperCase()));
    if (!linkedCase || linkedCase.type !== "emergency" || !inScope(scope, linkedCase)) invalid({ linkedCase: { key: "case.linked.unknown" } });
  }

  const number = await db.transaction(async (tx) => {
    const year = Number(stockholmDate(now).slice(0, 4));
    const caseNumber = await nextNumber(tx, prefix, year);
    let state = initialCase(input.type, { window });
    const [created] = await tx
      .insert(cases)
      .values({
        number: caseNumber,
        type: input.type,
        status: state.value,
        state,
        machineVersion: CASE_MACHINES[input.type].version,
        title: input.title,
        description: input.description,
        systemId: system.id,
        supplierId,
        requesterId: user.id,
        priority,
        windowStart: window ? new Date(window.start) : null,
        windowEnd: window ? new Date(window.end) : null,
        affectsUsers,
        details,
        linkedCaseId: linkedCase?.id ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await audit(tx, { user, caseId: created!.id, event: "CREATE", from: null, to: state.value, detail: linkedCase ? { linkedCase: linkedCase.number } : {} });
    if (linkedCase) {
      await audit(tx, { user, caseId: linkedCase.id, event: "LINKED_CHANGE", from: linkedCase.status, to: linkedCase.status, detail: { change: caseNumber } });
    }
    if (!input.draft) {
      const actor = await actorFor(tx, user, created!);
      const event: CaseEvent = { type: "SUBMIT", actor, now: now.toISOString() };
      const problems = submissionProblems(input.type, window, now);
      if (!isEmpty(problems)) invalid(problems, problemSummary(problems));
      const next = stepCase(input.type, state, event);
      if (!next) throw new WorkflowError(409, "The case could not be submitted.");
      state = next;
      const [submitted] = await tx
        .update(cases)
        .set({ state, status: state.value, version: 2, submittedAt: now, updatedAt: now })
        .where(eq(cases.id, created!.id))
        .returning();
      const auditId = await audit(tx, { user, caseId: created!.id, event: "SUBMIT", from: "draft", to: state.value });
      await queueMessages(tx, submitted!, { auditId, event: "SUBMIT" });
    }
    return caseNumber;
  });
  return getCaseView(db, user, number);
}

function problemSummary(problems: Problems): string {
  const early = Object.values(problems).find((p) => p.key === "case.window.tooEarly");
  if (early) return `The window starts too early: the earliest allowed start is ${early.params?.date}.`;
  return "The request is not valid.";
}

/** A full case, or a draft with whatever has been filled in. */
type CaseInput = CreateCaseInput | DraftInput;

/** Turns validated input into the case's columns. */
function shapeCase(input: CaseInput, now: Date) {
  const base = {
    supplierPeople: input.supplierPeople ?? [],
    accounts: input.accounts ?? [],
    externalReferences: input.externalReferences ?? {},
  };
  switch (input.type) {
    case "emergency": {
      const start = input.window?.start ?? now.toISOString();
      const end = input.window?.end ?? new Date(new Date(start).getTime() + DEFAULT_EMERGENCY_HOURS * 3600_000).toISOString();
      return {
        window: { start, end },
        details: { ...base, kind: input.kind ?? "incident", urgency: input.urgency, impact: input.impact },
        priority: input.urgency && input.impact ? priorityOf(input.urgency, input.impact) : null,
        prefix: input.kind === "service-request" ? "BEG" : "INC",
        affectsUsers: false,
      };
    }
    case "simple-change":
    case "advanced-change":
      return {
        window: input.window ?? null,
        details: {
          ...base,
          reason: input.reason,
          impactDescription: input.impactDescription,
          risk: input.risk,
          testPlan: input.testPlan,
          rollbackPlan: input.rollbackPlan,
          affectedSystems: input.affectedSystems,
          bookedWithSupplier: input.bookedWithSupplier ?? false,
          publicDescription: input.publicDescription,
        },
        priority: null,
        prefix: PREFIX[input.type],
        affectsUsers: input.affectsUsers ?? false,
      };
    case "standing-access":
      return {
        window: null,
        details: { ...base, justification: input.justification, agreementReference: input.agreementReference },
        priority: null,
        prefix: PREFIX[input.type],
        affectsUsers: false,
      };
  }
}

/** The machine event for an API event on a case of `type`. */
function machineEventType(type: CaseType, apiType: EventInput["type"]): { target: "case" | "window"; type: string } {
  if (type === "standing-access") return { target: "case", type: apiType === "REVOKE" ? "REVOKE_ACCESS" : apiType };
  return (WINDOW_EVENTS as readonly string[]).includes(apiType) ? { target: "window", type: apiType } : { target: "case", type: apiType };
}

/**
 * Applies one event to a case as `user` (null: the portal itself, e.g. the expiry scheduler).
 * Throws WorkflowError 403/404/409/422; returns the case as the caller now sees it.
 */
export async function applyEvent(db: Db, user: User | null, number: string, raw: unknown, now = new Date()): Promise<CaseView> {
  const parsed = eventInput.safeParse(raw);
  if (!parsed.success) {
    const unknown = parsed.error.issues.some((i) => i.message === "case.event.unknown");
    if (unknown) throw new WorkflowError(422, "Unknown event type.", { type: { key: "case.event.unknown" } });
    invalid(fieldErrorsOf(parsed.error) as never);
  }
  const input = parsed.data;
  if (number.includes("\0")) throw new WorkflowError(404, "No such case.");
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.number, number)).for("update");
    if (!c) throw new WorkflowError(404, "No such case.");
    if (user && !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
    const actor = await actorFor(tx, user, c);
    const { target, type } = machineEventType(c.type, input.type);
    const event = { ...input, type, actor, now: now.toISOString() } as Record<string, unknown> & { type: string; actor: Actor; now: string };

    if (target === "window") {
      await applyWindowEvent(tx, user, c, event as unknown as WindowEvent, now);
      return;
    }
    const machine = CASE_MACHINES[c.type].machine;
    if (!(machine.events as string[]).includes(type)) throw new WorkflowError(422, `${input.type} does not apply to this type of case.`, { type: { key: "case.event.notForType" } });
    if (!permitted(type, actor)) throw new WorkflowError(403, "You may not do that on this case.");
    if (!stateAccepts(machine, c.state, type)) throw new WorkflowError(409, `The case is ${c.status}: ${input.type} is not possible now.`);
    if (type === "APPROVE" || type === "CAB_APPROVE" || type === "CAB_APPROVE_WITH_CONDITIONS") {
      const long = longWindowProblems(c.type, (c.state.context as { window?: Window }).window, event as { allowLongWindow?: boolean });
      if (!isEmpty(long)) invalid(long, "The window is longer than 72 hours: approving it needs allowLongWindow.");
      event.conflicts = (await conflictsOf(tx, c.id)).length;
      const problems = approvalProblems(event as unknown as { conflicts: number; reason?: string });
      if (!isEmpty(problems)) invalid(problems, "The case has conflicts: approving it needs a reason.");
    }
    if (type === "SUBMIT") {
      // A draft may be incomplete; what is submitted must be whole.
      const whole = createCaseInput.safeParse(await inputFromCase(tx, c));
      if (!whole.success) invalid(fieldErrorsOf(whole.error) as never, "The case is not complete yet.");
      const problems = submissionProblems(c.type, (c.state.context as { window?: Window }).window, now);
      if (!isEmpty(problems)) invalid(problems, problemSummary(problems));
    }
    // The board: a referred change goes on the agenda of a meeting; a deferral names a later one.
    let meetingId: number | undefined;
    if (type === "REFER_TO_CAB") meetingId = (await meetingForReferral(tx, c.windowStart, now))?.id;
    if (type === "CAB_DEFER") {
      const current = c.cabMeetingId ? await getMeeting(tx, c.cabMeetingId) : undefined;
      const requested = (input as { meetingId?: number }).meetingId;
      const later = (await upcomingMeetings(tx, now)).filter((m) => !current || m.startsAt > current.startsAt);
      const target = requested ? later.find((m) => m.id === requested) : later[0];
      if (!target) invalid({ meetingId: { key: "cab.deferTarget" } }, "Choose a later CAB meeting to defer to.");
      meetingId = target.id;
    }
    const next = stepCase(c.type, c.state, event as unknown as CaseEvent);
    if (!next) invalid({ _form: { key: "case.event.refused" } });
    await commitCase(tx, user, c, next, {
      event: type,
      reason: (input as { reason?: string }).reason ?? null,
      now,
      detail: { ...eventDetail(input), ...(meetingId ? { meetingId } : {}) },
      meetingId,
    });
  });
  return user ? getCaseView(db, user, number) : getCaseViewUnscoped(db, number);
}

/** A stored case as the input that would create it (to validate a draft before it is submitted). */
export async function inputFromCase(db: Db, c: Case): Promise<Record<string, unknown>> {
  const [system] = await db.select({ code: systems.code }).from(systems).where(eq(systems.id, c.systemId));
  const details = { ...c.details } as Record<string, unknown>;
  const input: Record<string, unknown> = {
    type: c.type,
    systemCode: system?.code,
    title: c.title,
    description: c.description,
    ...(c.supplierId ? { supplierId: c.supplierId } : {}),
    ...details,
  };
  if (c.type !== "standing-access" && c.windowStart && c.windowEnd) {
    input.window = { start: c.windowStart.toISOString(), end: c.windowEnd.toISOString() };
  }
  if (c.type === "simple-change" || c.type === "advanced-change") {
    input.affectsUsers = c.affectsUsers;
    if (!details.bookedWithSupplier) delete input.bookedWithSupplier;
    const linkedTo = c.linkedCaseId ? (await db.select({ number: cases.number }).from(cases).where(eq(cases.id, c.linkedCaseId)))[0] : undefined;
    if (linkedTo) input.linkedCase = linkedTo.number;
  }
  // Fields of the other type that a draft may carry are dropped; undefined ones are left out.
  for (const [key, value] of Object.entries(input)) if (value === undefined || value === null) delete input[key];
  return input;
}

/**
 * Saves changes to a draft or a returned case (the requester's EDIT event): the same checks as
 * any event, then the columns, the details and the machine's window, with an audit row.
 */
export async function editCase(db: Db, user: User, number: string, raw: unknown, now = new Date()): Promise<CaseView> {
  const parsed = draftInput.safeParse({ ...(raw as object), draft: true });
  if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
  const input = parsed.data as CaseInput;
  if (number.includes("\0")) throw new WorkflowError(404, "No such case.");
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.number, number)).for("update");
    if (!c || !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
    if (input.type !== c.type && !(c.type === "simple-change" && input.type === "advanced-change" && c.status === "draft") && !(c.type === "advanced-change" && input.type === "simple-change" && c.status === "draft")) {
      invalid({ type: { key: "case.type.fixed" } });
    }
    const actor = await actorFor(tx, user, c);
    if (!permitted("EDIT", actor)) throw new WorkflowError(403, "You may not change this case.");
    if (!stateAccepts(CASE_MACHINES[c.type].machine, c.state, "EDIT")) throw new WorkflowError(409, `The case is ${c.status}: it cannot be changed now.`);
    const [system] = await tx.select().from(systems).where(and(eq(systems.code, input.systemCode), eq(systems.active, true)));
    if (!system || !inScope(await scopeOf(tx, user), { systemId: system.id, supplierId: system.supplierId })) invalid({ systemCode: { key: "case.system.notYours" } });
    // As when the case was created: a supplier given by id must be an active supplier.
    if (input.supplierId) {
      const [supplier] = await tx.select().from(organisations).where(eq(organisations.id, input.supplierId));
      if (!supplier || supplier.kind !== "supplier" || !supplier.active) invalid({ supplierId: { key: "validation.supplierKind" } });
    }
    const shaped = shapeCase(input, now);
    const type = input.type;
    const edited = stepCase(c.type, c.state, { type: "EDIT", actor, now: now.toISOString(), window: shaped.window ?? undefined } as CaseEvent);
    if (!edited) throw new WorkflowError(409, "The case cannot be changed now.");
    // A draft may still switch between simple and advanced ("does it affect other systems?").
    const state = type === c.type ? edited : { value: edited.value, context: { ...initialCase(type, { window: shaped.window }).context } };
    const [updated] = await tx
      .update(cases)
      .set({
        type,
        state,
        status: state.value,
        machineVersion: CASE_MACHINES[type].version,
        version: c.version + 1,
        title: input.title,
        description: input.description ?? "",
        systemId: system.id,
        supplierId: input.supplierId ?? system.supplierId ?? null,
        priority: shaped.priority,
        windowStart: shaped.window ? new Date(shaped.window.start) : null,
        windowEnd: shaped.window ? new Date(shaped.window.end) : null,
        affectsUsers: shaped.affectsUsers,
        details: shaped.details,
        updatedAt: now,
      })
      .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
      .returning();
    if (!updated) throw new WorkflowError(409, "The case was changed by someone else; reload and try again.");
    await audit(tx, { user, caseId: c.id, event: "EDIT", from: c.status, to: state.value });
  });
  return getCaseView(db, user, number);
}

function eventDetail(input: EventInput): Record<string, unknown> {
  const { type: _type, ...rest } = input as Record<string, unknown>;
  return rest;
}

/**
 * An event the portal itself sends (the scheduler): EXPIRE a window whose end has passed, or
 * REVIEW_DUE a standing access whose yearly review date has come. The case row is taken with
 * SKIP LOCKED: when another instance (or a person) holds it, this one leaves it for the next round.
 * Returns whether the event was applied.
 */
export async function applySystemEvent(db: Db, caseId: number, type: "EXPIRE" | "REVIEW_DUE", now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update", { skipLocked: true });
    if (!c) return false;
    const event = { type, actor: SYSTEM_ACTOR, now: now.toISOString() };
    if (type === "EXPIRE") {
      const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id)).for("update");
      if (!w) return false;
      const next = stepWindow(w.state, event as WindowEvent);
      if (!next) return false;
      await commitWindow(tx, null, c, w, next, { event: "EXPIRE", reason: "Expired by the system at the end of the window", now });
      return true;
    }
    const next = stepCase(c.type, c.state, event as CaseEvent);
    if (!next) return false;
    await commitCase(tx, null, c, next, { event: type, reason: null, now });
    return true;
  });
}

/** Writes a case's next state (version-guarded), its audit row, messages and consequences. */
async function commitCase(
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
      status: state.value,
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
  const auditId = await audit(tx, { user, caseId: c.id, event: change.event, from: c.status, to: state.value, reason, detail: change.detail });
  await queueMessages(tx, updated, { auditId, event: change.event, reason });

  // Approved: the access window is scheduled (an emergency's opens now).
  if (state.value === "approved" && c.status !== "approved" && updated.windowStart && updated.windowEnd) {
    const start = updated.type === "emergency" && updated.windowStart < change.now ? change.now : updated.windowStart;
    const windowState = initialWindow({ caseType: updated.type as never, start: start.toISOString(), end: updated.windowEnd.toISOString() });
    await tx.insert(accessWindows).values({
      caseId: c.id,
      state: windowState,
      machineVersion: WINDOW_MACHINE.version,
      status: windowState.value,
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
      await tx.update(accessWindows).set({ state: cancelled, status: cancelled.value, updatedAt: change.now }).where(eq(accessWindows.id, w.id));
      await audit(tx, { user: null, caseId: c.id, event: "CASE_CANCELLED", from: `window:${w.status}`, to: `window:${cancelled.value}`, detail: { windowId: w.id } });
    }
  }
  return updated;
}

async function applyWindowEvent(tx: Db, user: User | null, c: Case, event: WindowEvent, now: Date): Promise<void> {
  const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id)).for("update");
  if (!w) throw new WorkflowError(409, `The case is ${c.status}: it has no access window yet.`);
  if (!permitted(event.type, event.actor)) throw new WorkflowError(403, "You may not do that on this window.");
  if (!stateAccepts(WINDOW_MACHINE.machine, w.state, event.type)) throw new WorkflowError(409, `The window is ${w.status}: ${event.type} is not possible now.`);
  if (event.type === "APPROVE_EXTENSION") {
    const pending = (w.state.context as { pendingExtension?: { end: string } | null }).pendingExtension;
    if (pending) {
      event.conflicts = (await extensionConflicts(tx, c, w, pending.end)).length;
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
function followUpOf(from: string, next: Persisted): "WINDOW_OPENED" | "WINDOW_CLOSED" | null {
  if (next.value === "open" && from !== "open") return "WINDOW_OPENED";
  if (next.value === "closed" && from !== "closed") return "WINDOW_CLOSED";
  return null;
}

/** Whether the case accepts what the window's move implies: no window opens for a case that is not approved. */
function caseFollows(c: Case, from: string, next: Persisted, now: Date): boolean {
  const followUp = followUpOf(from, next);
  return !followUp || canCase(c.type, c.state, { type: followUp, actor: SYSTEM_ACTOR, now: now.toISOString() } as CaseEvent);
}

/** Conflicts the window would have if it ended at `end` instead. */
async function extensionConflicts(tx: Db, c: Case, w: AccessWindow, end: string) {
  return conflictsFor(tx, c.systemId, { start: w.startsAt, end: new Date(end) }, c.id);
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
      status: next.value,
      endsAt: new Date(context.end),
      grantedAt: next.value === "open" && w.status !== "open" ? change.now : w.grantedAt,
      closedAt: next.value === "closed" && w.status !== "closed" ? change.now : w.closedAt,
      updatedAt: change.now,
    })
    .where(eq(accessWindows.id, w.id));
  const auditId = await audit(tx, {
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
    await tx.update(cases).set({ windowEnd: new Date(context.end), updatedAt: change.now }).where(eq(cases.id, c.id));
  }
  const caseEvent = followUpOf(w.status, next);
  if (caseEvent) {
    const [fresh] = await tx.select().from(cases).where(eq(cases.id, c.id));
    const followed = stepCase(fresh!.type, fresh!.state, { type: caseEvent, actor: SYSTEM_ACTOR, now: change.now.toISOString() } as CaseEvent);
    // The window and its case move together or not at all (the transaction rolls back).
    if (!followed) throw new WorkflowError(409, `The case is ${fresh!.status}: its window cannot ${caseEvent === "WINDOW_OPENED" ? "open" : "close"}.`);
    await commitCase(tx, null, fresh!, followed, { event: caseEvent, reason: null, now: change.now });
  }
}

// Reading -------------------------------------------------------------------------------------

export type AuditView = { at: string; actor: string; event: string; from: string | null; to: string | null; reason: string | null };

export type CaseView = {
  number: string;
  type: CaseType;
  status: string;
  title: string;
  description: string;
  system: { code: string; name: string };
  supplier: { id: number; name: string } | null;
  requester: { id: number; name: string };
  priority: number | null;
  /** What the priority promises (incidents). */
  responseTarget: (typeof RESPONSE_TARGETS)[Priority] | null;
  window: { start: string; end: string } | null;
  accessWindow: { id: number; status: string; start: string; end: string; pendingExtension: unknown } | null;
  affectsUsers: boolean;
  details: Record<string, unknown>;
  linkedCase: string | null;
  /** Planned changes created from this case (an incident). */
  linkedChanges: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  allowedEvents: string[];
  audit: AuditView[];
};

const supplierOrg = alias(organisations, "supplier_org");
const actorUser = alias(users, "actor_user");
const linked = alias(cases, "linked_case");

async function loadView(db: Db, number: string) {
  // From an address: a NUL names no case (and PostgreSQL refuses it in a query).
  if (number.includes("\0")) return undefined;
  const [row] = await db
    .select({
      c: cases,
      systemCode: systems.code,
      systemName: systems.name,
      supplierName: supplierOrg.name,
      requesterName: users.name,
      linkedNumber: linked.number,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .innerJoin(users, eq(users.id, cases.requesterId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId))
    .leftJoin(linked, eq(linked.id, cases.linkedCaseId))
    .where(eq(cases.number, number));
  return row;
}

/** A case as its audience may see it (app/access/redaction.ts: one rule for page, API, mail and feeds). */
async function view(db: Db, user: User | null, row: NonNullable<Awaited<ReturnType<typeof loadView>>>): Promise<CaseView> {
  const full = await fullView(db, user, row);
  const audience = audienceOf(user);
  return { ...full, details: detailsFor(audience, full.details), audit: full.audit.map((a) => ({ ...a, reason: reasonFor(audience, a.reason) })) };
}

async function fullView(db: Db, user: User | null, row: NonNullable<Awaited<ReturnType<typeof loadView>>>): Promise<CaseView> {
  const { c } = row;
  const [w] = await db.select().from(accessWindows).where(eq(accessWindows.caseId, c.id));
  const trail = await db
    .select({ a: auditLog, actorName: actorUser.name })
    .from(auditLog)
    .leftJoin(actorUser, eq(actorUser.id, auditLog.actorUserId))
    .where(eq(auditLog.caseId, c.id))
    .orderBy(asc(auditLog.id));
  return {
    number: c.number,
    type: c.type,
    status: c.status,
    title: c.title,
    description: c.description,
    system: { code: row.systemCode, name: row.systemName },
    supplier: c.supplierId && row.supplierName ? { id: c.supplierId, name: row.supplierName } : null,
    requester: { id: c.requesterId, name: row.requesterName },
    priority: c.priority,
    responseTarget: c.priority ? RESPONSE_TARGETS[c.priority as Priority] : null,
    window: c.windowStart && c.windowEnd ? { start: c.windowStart.toISOString(), end: c.windowEnd.toISOString() } : null,
    accessWindow: w
      ? {
          id: w.id,
          status: w.status,
          start: w.startsAt.toISOString(),
          end: w.endsAt.toISOString(),
          pendingExtension: (w.state.context as { pendingExtension?: unknown }).pendingExtension ?? null,
        }
      : null,
    affectsUsers: c.affectsUsers,
    details: c.details,
    linkedCase: row.linkedNumber,
    linkedChanges: (await db.select({ number: cases.number }).from(cases).where(eq(cases.linkedCaseId, c.id)).orderBy(asc(cases.id))).map((r) => r.number),
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    submittedAt: c.submittedAt?.toISOString() ?? null,
    allowedEvents: user ? await allowedEvents(db, user, c, w) : [],
    audit: trail.map(({ a, actorName }) => ({
      at: a.at.toISOString(),
      actor: actorName ?? a.actorLabel ?? "system",
      event: a.event ?? a.action,
      from: a.fromState,
      to: a.toState,
      reason: a.reason,
    })),
  };
}

export async function getCaseView(db: Db, user: User, number: string): Promise<CaseView> {
  const row = await loadView(db, number);
  if (!row || !inScope(await scopeOf(db, user), row.c)) throw new WorkflowError(404, "No such case.");
  return view(db, user, row);
}

async function getCaseViewUnscoped(db: Db, number: string): Promise<CaseView> {
  const row = await loadView(db, number);
  if (!row) throw new WorkflowError(404, "No such case.");
  return view(db, null, row);
}

/** Content that makes a probe event acceptable, so `allowedEvents` asks only "who" and "when". */
function probe(type: string, c: Case, w: AccessWindow | undefined): Record<string, unknown> {
  const later = new Date((w?.endsAt ?? new Date()).getTime() + 3600_000).toISOString();
  return {
    reason: "probe",
    conditions: "probe",
    conflicts: 0,
    outcome: c.type === "emergency" ? "resolved" : "successful",
    end: later,
  };
}

const API_EVENTS: Record<CaseType, string[]> = {
  emergency: ["EDIT", "SUBMIT", "CANCEL", "START_REVIEW", "RETURN", "APPROVE", "REJECT", "REPORT_OUTCOME", "CLOSE", ...WINDOW_EVENTS],
  "simple-change": ["EDIT", "SUBMIT", "CANCEL", "START_REVIEW", "RETURN", "APPROVE", "REJECT", "RECLASSIFY", "REPORT_OUTCOME", "CLOSE", ...WINDOW_EVENTS],
  "advanced-change": [
    "EDIT", "SUBMIT", "CANCEL", "START_REVIEW", "RETURN", "REJECT", "REFER_TO_CAB",
    "CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS", "CAB_DEFER", "CAB_REJECT", "REPORT_OUTCOME", "CLOSE", ...WINDOW_EVENTS,
  ],
  "standing-access": ["EDIT", "SUBMIT", "CANCEL", "CONSENT", "REFUSE_CONSENT", "REVIEW", "REVOKE"],
};

/** The events the user may send now, from the machines' `can()` with the user's facts. */
export async function allowedEvents(db: Db, user: User, c: Case, w?: AccessWindow): Promise<string[]> {
  const actor = await actorFor(db, user, c);
  const now = new Date().toISOString();
  const allowed: string[] = [];
  for (const apiType of API_EVENTS[c.type]) {
    const { target, type } = machineEventType(c.type, apiType as EventInput["type"]);
    const event = { ...probe(type, c, w), type, actor, now };
    if (target === "window") {
      const next = w ? stepWindow(w.state, event as never) : undefined;
      if (w && next && caseFollows(c, w.status, next, new Date(now))) allowed.push(apiType);
    } else if (canCase(c.type, c.state, event as never)) {
      allowed.push(apiType);
    }
  }
  return allowed;
}

export type CaseFilters = {
  status?: string;
  type?: string;
  system?: string;
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: "updated" | "window" | "number";
  /** Stockholm dates (YYYY-MM-DD): only cases whose window overlaps these days; a malformed date is ignored. */
  from?: string;
  to?: string;
};

/** Conditions for `from`/`to`: the window ends after `from` 00:00 and starts before the day after `to`. */
function windowRange(from: string | undefined, to: string | undefined): (SQL | undefined)[] {
  return [
    from && isIsoDate(from) ? gt(cases.windowEnd, stockholmMidnight(from)) : undefined,
    to && isIsoDate(to) ? lt(cases.windowStart, stockholmMidnight(addDays(to, 1))) : undefined,
  ];
}

/** The cases the user may see, filtered and paginated. */
export async function listCases(db: Db, user: User, filters: CaseFilters = {}) {
  const scope: Scope = await scopeOf(db, user);
  // Filters come from query strings: one with a NUL matches nothing (PostgreSQL refuses it in a query).
  const impossible = [filters.status, filters.type, filters.system, filters.q].some((v) => v?.includes("\0"));
  const conditions: (SQL | undefined)[] = [
    impossible ? sql`false` : undefined,
    scope.kind === "systems" ? (scope.systemIds.length ? inArray(cases.systemId, scope.systemIds) : sql`false`) : undefined,
    scope.kind === "supplier" ? eq(cases.supplierId, scope.organisationId) : undefined,
    filters.status && !impossible ? eq(cases.status, filters.status) : undefined,
    filters.type && !impossible ? eq(cases.type, filters.type as CaseType) : undefined,
    filters.system && !impossible ? eq(systems.code, filters.system.toUpperCase()) : undefined,
    filters.q && !impossible ? or(ilike(cases.number, `%${filters.q}%`), ilike(cases.title, `%${filters.q}%`)) : undefined,
    ...windowRange(filters.from, filters.to),
  ];
  const where = and(...conditions);
  const pageSize = Math.min(Math.max(filters.pageSize ?? 25, 1), 100);
  const page = Math.max(filters.page ?? 1, 1);
  const order = filters.sort === "window" ? [asc(cases.windowStart), asc(cases.id)] : filters.sort === "number" ? [desc(cases.id)] : [desc(cases.updatedAt), desc(cases.id)];
  const [items, [total]] = await Promise.all([
    db
      .select({
        number: cases.number,
        type: cases.type,
        status: cases.status,
        title: cases.title,
        systemCode: systems.code,
        priority: cases.priority,
        windowStart: cases.windowStart,
        windowEnd: cases.windowEnd,
        updatedAt: cases.updatedAt,
      })
      .from(cases)
      .innerJoin(systems, eq(systems.id, cases.systemId))
      .where(where)
      .orderBy(...order)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(cases).innerJoin(systems, eq(systems.id, cases.systemId)).where(where),
  ]);
  return {
    items: items.map((i) => ({
      ...i,
      window: i.windowStart && i.windowEnd ? { start: i.windowStart.toISOString(), end: i.windowEnd.toISOString() } : null,
      windowStart: undefined,
      windowEnd: undefined,
      updatedAt: i.updatedAt.toISOString(),
    })),
    page,
    pageSize,
    total: total?.n ?? 0,
  };
}
