import { and, eq, inArray, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, caseCounters, cases, organisations, systems, type Case, type User } from "../../db/schema";
import {
  approvalProblems,
  consentProblems,
  decisionProblem,
  freezeProblems,
  isCabDecision,
  CASE_MACHINES,
  DEFAULT_EMERGENCY_HOURS,
  initialCase,
  isEmpty,
  longWindowProblems,
  permitted,
  reproposalProblems,
  stateAccepts,
  stepCase,
  stepWindow,
  submissionProblems,
  SYSTEM_ACTOR,
  type Actor,
  type CaseEvent,
  type CaseType,
  type Problems,
  type Window,
  type WindowEvent,
  caseStatusOf,
} from "../../machines";
import { inScope, scopeAs, scopeOf } from "~/access/scope.server";
import { stockholmDate } from "../../machines/calendar";
import { fieldErrorsOf } from "~/ui/forms";
import { getMeeting, meetingForReferral, upcomingMeetings } from "../cab/meetings.server";
import { meetingFacts, refuseMeeting } from "../cab/session.server";
import { conflictsOf, freezeCount } from "./conflicts.server";
import { invalid, WorkflowError } from "./errors";
import { queueMessages } from "./messages.server";
import { queueWebhooks } from "~/connectors/webhooks.server";
import { priorityOf } from "../../machines/priority";
import { pendingAccountStep, type AccountStep } from "../../machines/standing-access";
import { standardChangeFor, templateOfNewCase, type StandardChange } from "./templates.server";
import { categoryOf } from "./form-category";
import { createCaseInput, draftInput, eventInput, type CreateCaseInput, type DraftInput } from "./schemas";
import { actorFor, applyWindowEvent, auditTransition, caseFollows, commitCase, commitWindow, eventDetail, machineEventType } from "./transitions.server";
import { hasRole } from "~/access/roles";

/**
 * The one way cases change. Every change — from a form or from the API — is an event: load the
 * case, restore its machine state, check who may send the event (403), whether its content is
 * acceptable (422) and whether the state accepts it (409), then persist the next state guarded by
 * the case's version, with its audit row and its outbox messages, in one transaction
 * (transitions.server.ts). A command answers with what its caller uses — the case's number,
 * status, version and windows (`CaseRef`) — never a view it would throw away.
 */
export type CaseRef = {
  number: string;
  type: CaseType;
  status: string;
  version: number;
  window: { start: string; end: string } | null;
  accessWindow: { id: number; status: string; start: string; end: string } | null;
};

/** The case as a command leaves it: one indexed read. */
export async function caseRef(db: Db, number: string): Promise<CaseRef> {
  const [row] = await db
    .select({
      c: { number: cases.number, type: cases.type, status: cases.status, version: cases.version, windowStart: cases.windowStart, windowEnd: cases.windowEnd },
      w: { id: accessWindows.id, status: accessWindows.status, startsAt: accessWindows.startsAt, endsAt: accessWindows.endsAt },
    })
    .from(cases)
    .leftJoin(accessWindows, eq(accessWindows.caseId, cases.id))
    .where(eq(cases.number, number));
  const { c, w } = row!;
  return {
    number: c.number,
    type: c.type,
    status: c.status,
    version: c.version,
    window: c.windowStart && c.windowEnd ? { start: c.windowStart.toISOString(), end: c.windowEnd.toISOString() } : null,
    accessWindow: w ? { id: w.id, status: w.status, start: w.startsAt.toISOString(), end: w.endsAt.toISOString() } : null,
  };
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

/** Creates a case as its requester (a draft, or submitted at once). */
export async function createCase(db: Db, user: User, raw: unknown, now = new Date()): Promise<CaseRef> {
  const isDraft = typeof raw === "object" && raw !== null && (raw as { draft?: unknown }).draft === true;
  const parsed = (isDraft ? draftInput : createCaseInput).safeParse(raw);
  if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
  const input = parsed.data as CaseInput;
  if (!hasRole(user, "requester")) throw new WorkflowError(403, "Only system administrators (requesters) create cases.");

  const [system] = await db
    .select()
    .from(systems)
    .where(and(eq(systems.code, input.systemCode), eq(systems.active, true)));
  if (!system) invalid({ systemCode: { key: "case.system.unknown" } });
  // Requested for as a system administrator: the systems they administer, whatever else they see.
  const scope = await scopeAs(db, user, "requester");
  if (!inScope(scope, { systemId: system.id, supplierId: system.supplierId })) invalid({ systemCode: { key: "case.system.notYours" } });

  const supplierId = input.supplierId ?? system.supplierId ?? null;
  if (input.supplierId) {
    const [supplier] = await db.select().from(organisations).where(eq(organisations.id, input.supplierId));
    if (!supplier || supplier.kind !== "supplier" || !supplier.active) invalid({ supplierId: { key: "validation.supplierKind" } });
  }

  // A request from a template names it; one from a live standard change is a simple change whatever it touches.
  let standard: StandardChange | null = null;
  if (input.templateId) {
    await templateOfNewCase(db, user, input.templateId, system.id, categoryOf(input.type));
    standard = await standardChangeFor(db, input.templateId, system.id);
    if (standard && input.type === "advanced-change") (input as { type: CaseType }).type = "simple-change";
  }

  const shaped = shapeCase(input, now);
  const { window, priority, prefix, affectsUsers } = shaped;
  const details: Record<string, unknown> = standard ? { ...shaped.details, standardChange: standard } : shaped.details;
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
        status: caseStatusOf(state.value),
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
        templateId: input.templateId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await auditTransition(tx, {
      user,
      caseId: created!.id,
      event: "CREATE",
      from: null,
      to: state.value,
      detail: {
        ...(linkedCase ? { linkedCase: linkedCase.number } : {}),
        ...(input.templateId ? { templateId: input.templateId, ...(standard ? { standardChange: standard.name } : {}) } : {}),
      },
    });
    if (linkedCase) {
      await auditTransition(tx, {
        user,
        caseId: linkedCase.id,
        event: "LINKED_CHANGE",
        from: linkedCase.status,
        to: linkedCase.status,
        detail: { change: caseNumber },
      });
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
        .set({ state, status: caseStatusOf(state.value), version: 2, submittedAt: now, updatedAt: now })
        .where(eq(cases.id, created!.id))
        .returning();
      const auditId = await auditTransition(tx, { user, caseId: created!.id, event: "SUBMIT", from: "draft", to: state.value });
      await queueMessages(tx, submitted!, { auditId, event: "SUBMIT" });
      await queueWebhooks(tx, submitted!, { auditId, event: "SUBMIT", now });
    }
    return caseNumber;
  });
  return caseRef(db, number);
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

/**
 * Applies one event to a case as `user` (null: the portal itself, e.g. the expiry scheduler).
 * Throws WorkflowError 403/404/409/422; returns the case as the caller now sees it.
 */
export async function applyEvent(db: Db, user: User | null, number: string, raw: unknown, now = new Date()): Promise<CaseRef> {
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
    if (!(machine.events as string[]).includes(type))
      throw new WorkflowError(422, `${input.type} does not apply to this type of case.`, { type: { key: "case.event.notForType" } });
    if (!permitted(type, actor)) throw new WorkflowError(403, "You may not do that on this case.");
    if (!stateAccepts(machine, c.state, type)) throw new WorkflowError(409, `The case is ${c.status}: ${input.type} is not possible now.`);
    // A board decision is a decision of a held meeting: its chair, in session, with a quorum.
    if (isCabDecision(type)) {
      const meeting = c.cabMeetingId ? await meetingFacts(tx, c.cabMeetingId, { lock: true }) : undefined;
      const problem = decisionProblem(meeting, user?.id ?? null);
      if (problem) refuseMeeting(problem);
    }
    if (type === "APPROVE" || type === "CAB_APPROVE" || type === "CAB_APPROVE_WITH_CONDITIONS") {
      const long = longWindowProblems(c.type, (c.state.context as { window?: Window }).window, event as { allowLongWindow?: boolean });
      if (!isEmpty(long)) invalid(long, "The window is longer than 72 hours: approving it needs allowLongWindow.");
      const found = await conflictsOf(tx, c.id);
      event.conflicts = found.length;
      event.freezes = freezeCount(found);
      const frozen = freezeProblems(c.type, event as unknown as { freezes: number; overrideFreeze?: boolean });
      if (!isEmpty(frozen)) invalid(frozen, "The window touches a freeze: approving it needs overrideFreeze and a reason.");
      const problems = approvalProblems(event as unknown as { conflicts: number; reason?: string });
      if (!isEmpty(problems)) invalid(problems, "The case has conflicts: approving it needs a reason.");
    }
    if (type === "PROPOSE_WINDOW") {
      if ((c.state.context as { deferred?: boolean }).deferred !== true)
        throw new WorkflowError(409, "A new window is proposed only after the board deferred the case, once per deferral.");
      // The lead time from the first submission, and after the meeting the case now waits for (decision 017).
      const meeting = c.cabMeetingId ? await getMeeting(tx, c.cabMeetingId) : undefined;
      event.submittedAt = c.submittedAt?.toISOString() ?? null;
      event.meetingStartsAt = meeting?.startsAt.toISOString() ?? null;
      const problems = reproposalProblems(c.type, (input as { window: Window }).window, {
        submittedAt: event.submittedAt as string | null,
        meetingStartsAt: event.meetingStartsAt as string | null,
        now: event.now,
      });
      if (!isEmpty(problems)) invalid(problems, problemSummary(problems));
    }
    if (type === "CONSENT" || type === "REVIEW") {
      const problems = consentProblems(event as unknown as { until?: string; now: string });
      if (!isEmpty(problems)) invalid(problems, "The consent's end date is a date after today, at most a year ahead.");
    }
    if (type === "ACCOUNT_CREATED" || type === "ACCOUNT_REMOVED") {
      const pending = pendingAccountStep((c.state.context as { accountSteps?: AccountStep[] }).accountSteps);
      if (pending?.kind !== (type === "ACCOUNT_CREATED" ? "create" : "remove"))
        throw new WorkflowError(409, `The case is ${c.status}: no account step of that kind is waiting.`);
    }
    if (type === "SUBMIT") {
      // A draft saved as a standard change is submitted as one only while the CAB's approval stands.
      if (c.details.standardChange && !(await standardChangeFor(tx, c.templateId, c.systemId)))
        invalid(
          { _form: { key: "template.withdrawnSince.submit" } },
          "The standard change this request was made from has been withdrawn: edit the request first.",
        );
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
  return caseRef(db, number);
}

/** A stored case as the input that would create it (to validate a draft before it is submitted). */
export async function inputFromCase(db: Db, c: Case): Promise<Record<string, unknown>> {
  const [system] = await db.select({ code: systems.code }).from(systems).where(eq(systems.id, c.systemId));
  // The standard change is the server's record of the template, not something the requester sends.
  const { standardChange: _standard, ...details } = c.details as Record<string, unknown>;
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
/** Refuses an edit of `c` by `user` that the rules do not allow: 403 (who), 409 (not in this state). */
async function assertEditable(db: Db, user: User, c: Case): Promise<void> {
  const actor = await actorFor(db, user, c);
  if (!permitted("EDIT", actor)) throw new WorkflowError(403, "You may not change this case.");
  if (!stateAccepts(CASE_MACHINES[c.type].machine, c.state, "EDIT")) throw new WorkflowError(409, `The case is ${c.status}: it cannot be changed now.`);
}

/** The case `user` is about to edit (its number and type), or a WorkflowError: 404 outside the scope, 403, 409. */
export async function caseToEdit(db: Db, user: User, number: string): Promise<{ number: string; type: CaseType; standard: boolean }> {
  const [c] = number.includes("\0") ? [] : await db.select().from(cases).where(eq(cases.number, number));
  if (!c || !inScope(await scopeOf(db, user), c)) throw new WorkflowError(404, "No such case.");
  await assertEditable(db, user, c);
  return { number: c.number, type: c.type, standard: (await standardChangeFor(db, c.templateId, c.systemId)) !== null };
}

export async function editCase(db: Db, user: User, number: string, raw: unknown, now = new Date()): Promise<CaseRef> {
  const parsed = draftInput.safeParse({ ...(raw as object), draft: true });
  if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
  const input = parsed.data as CaseInput;
  if (number.includes("\0")) throw new WorkflowError(404, "No such case.");
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.number, number)).for("update");
    if (!c || !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
    // A draft, or a case the service centre returned (perhaps asking for the other type), may switch
    // between simple and advanced ("does it affect other systems?"); nothing else changes type.
    const planned = (t: string) => t === "simple-change" || t === "advanced-change";
    if (input.type !== c.type && !(planned(c.type) && planned(input.type) && (c.status === "draft" || c.status === "returned"))) {
      invalid({ type: { key: "case.type.fixed" } });
    }
    await assertEditable(tx, user, c);
    const actor = await actorFor(tx, user, c);
    const [system] = await tx
      .select()
      .from(systems)
      .where(and(eq(systems.code, input.systemCode), eq(systems.active, true)));
    if (!system || !inScope(await scopeOf(tx, user), { systemId: system.id, supplierId: system.supplierId }))
      invalid({ systemCode: { key: "case.system.notYours" } });
    // As when the case was created: a supplier given by id must be an active supplier.
    if (input.supplierId) {
      const [supplier] = await tx.select().from(organisations).where(eq(organisations.id, input.supplierId));
      if (!supplier || supplier.kind !== "supplier" || !supplier.active) invalid({ supplierId: { key: "validation.supplierKind" } });
    }
    // Still a standard change if its template still is one for this system (decision 026).
    const standard = await standardChangeFor(tx, c.templateId, system.id);
    if (standard && input.type === "advanced-change") (input as { type: CaseType }).type = "simple-change";
    const shaped = shapeCase(input, now);
    const details: Record<string, unknown> = standard ? { ...shaped.details, standardChange: standard } : shaped.details;
    const type = input.type;
    const edited = stepCase(c.type, c.state, { type: "EDIT", actor, now: now.toISOString(), window: shaped.window ?? undefined } as CaseEvent);
    if (!edited) throw new WorkflowError(409, "The case cannot be changed now.");
    // The other type's machine has the same states: the case stays where it is, with that type's context.
    const state = type === c.type ? edited : { value: edited.value, context: { ...initialCase(type, { window: shaped.window }).context } };
    const [updated] = await tx
      .update(cases)
      .set({
        type,
        state,
        status: caseStatusOf(state.value),
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
        details,
        // A simple change is the service centre's alone: it leaves any board meeting's agenda.
        ...(type === "simple-change" ? { cabMeetingId: null } : {}),
        updatedAt: now,
      })
      .where(and(eq(cases.id, c.id), eq(cases.version, c.version)))
      .returning();
    if (!updated) throw new WorkflowError(409, "The case was changed by someone else; reload and try again.");
    await auditTransition(tx, {
      user,
      caseId: c.id,
      event: "EDIT",
      from: c.status,
      to: state.value,
      ...(type !== c.type ? { detail: { type: { from: c.type, to: type } } } : {}),
    });
  });
  return caseRef(db, number);
}

/**
 * An event the portal itself sends (the scheduler): EXPIRE a window whose end has passed, GRANT
 * one on a system set to open automatically when its start has come, REVIEW_DUE a standing access
 * whose yearly review date has come. The case row is taken with
 * SKIP LOCKED: when another instance (or a person) holds it, this one leaves it for the next round.
 * Returns whether the event was applied.
 */
export async function applySystemEvent(db: Db, caseId: number, type: "EXPIRE" | "GRANT" | "REVIEW_DUE" | "CONSENT_ENDED", now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update", { skipLocked: true });
    if (!c) return false;
    const event = { type, actor: SYSTEM_ACTOR, now: now.toISOString() };
    if (type === "EXPIRE" || type === "GRANT") {
      const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id)).for("update");
      if (!w) return false;
      const next = stepWindow(w.state, event as WindowEvent);
      if (!next) return false;
      // An automatic opening waits for a case that is not approved (yet); an expiry that the case refuses is an error, reported by the scheduler.
      if (type === "GRANT" && !caseFollows(c, w.status, next, now)) return false;
      await commitWindow(tx, null, c, w, next, { event: type, reason: null, now });
      return true;
    }
    const next = stepCase(c.type, c.state, event as CaseEvent);
    if (!next) return false;
    await commitCase(tx, null, c, next, { event: type, reason: null, now });
    return true;
  });
}
