import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";

import type { Db } from "../../db/client";
import {
  auditLog,
  cabComments,
  cabMeetingRules,
  cabMeetings,
  cabReviews,
  cabVotes,
  cases,
  systems,
  users,
  CAB_VOTES,
  type CabMeeting,
  type CabMeetingRule,
  type CabVote,
  type Case,
  type User,
} from "../../db/schema";
import { isoDate } from "~/ui/fields";
import { fieldErrorsOf, type FieldErrors, msg } from "~/ui/forms";
import type { CaseStatus } from "../../machines/vocabulary";
import { stockholmLocalToIso } from "../../machines/time";
import { getMeeting, isLate, materialiseMeetings, scheduledMeetings } from "./meetings.server";
import { factsOf, refuseMeeting } from "./session.server";
import { WorkflowError } from "../cases/errors";
import { boardProblems, decisionProblem, extraMeetingProblems, isEmpty, needsOf, votingProblem, type EventNeeds } from "../../machines/rules";
import { actorFor, auditTransition } from "../cases/transitions.server";
import { audit } from "~/audit/audit.server";
import { queueMessages } from "../cases/messages.server";
import { toFieldErrors } from "../cases/errors";
import { casesWithParties } from "../cases/case-rows.server";
import { conflictsOf, freezeCount, type Conflict } from "../cases/conflicts.server";
import { hasRole } from "~/access/roles";

/**
 * The board's working material: a meeting's agenda (the advanced changes waiting for it, with
 * everything the members decide on), the members' votes and comments, the minutes, and the
 * service centre's scheduling of meetings. The decisions themselves are workflow events
 * (`applyEvent`); this module only reads them back from the audit trail.
 *
 * Which meeting a decision belongs to: every REFER_TO_CAB and CAB_DEFER audit row records the
 * meeting the case was put on (`detail.meetingId`; for a deferral that is the *target*). A
 * decision — CAB_APPROVE, CAB_APPROVE_WITH_CONDITIONS, CAB_DEFER, CAB_REJECT, or RETURN/CANCEL
 * while the case waited for the board — was therefore taken at the meeting named by the latest
 * REFER_TO_CAB/CAB_DEFER row before it on the same case. No extra bookkeeping is needed, it
 * holds for decisions made from any page (or the API), and a change deferred from meeting A to B
 * shows in A's minutes as "deferred" and on B's agenda as pending.
 */

/** Keys not yet in the dictionaries are cast until they are merged. */

/** Decisions that take a change off a meeting's agenda (recorded in its minutes). */
export const DECISION_EVENTS = ["CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS", "CAB_DEFER", "CAB_REJECT", "RETURN", "CANCEL"] as const;
/** The events that put a change on a meeting's agenda (their detail names the meeting). */
const PLACING_EVENTS = ["REFER_TO_CAB", "CAB_DEFER", "CAB_EXTRA_MEETING"] as const;

export const COMMENT_MAX = 4000;

export type VoteSummary = {
  counts: Record<CabVote, number>;
  /** `advance`: cast before the meeting was opened (an advance vote, marked so in the agenda and minutes). */
  members: { userId: number; name: string; vote: CabVote; at: string; advance: boolean }[];
};

export type AgendaItem = {
  id: number;
  number: string;
  title: string;
  description: string;
  status: CaseStatus;
  system: { code: string; name: string };
  supplier: { id: number; name: string } | null;
  requester: { id: number; name: string };
  window: { start: string; end: string } | null;
  referredAt: string | null;
  details: {
    reason: string;
    impactDescription: string;
    risk: string;
    testPlan: string;
    rollbackPlan: string;
    affectedSystems: string[];
    accounts: string[];
    supplierPeople: string[];
  };
  conflicts: Conflict[];
  /** What each of the chair's decisions asks for (machines/rules.ts `needsOf`). */
  needs: Record<(typeof DECISION_EVENTS)[number], EventNeeds>;
  late: boolean;
  votes: VoteSummary;
  comments: { id: number; body: string; at: string; meetingId: number | null; author: { id: number; name: string } }[];
};

export type Decision = {
  auditId: number;
  number: string;
  title: string;
  system: { code: string; name: string };
  event: (typeof DECISION_EVENTS)[number];
  reason: string | null;
  conditions: string | null;
  /** An approval into a freeze, on the explicit override. */
  overrideFreeze: boolean;
  /** A deferral: the meeting the change went to. */
  deferredTo: { id: number; startsAt: string; location: string } | null;
  at: string;
  actor: string | null;
  votes: VoteSummary;
};

export type MeetingView = {
  id: number;
  startsAt: string;
  durationMinutes: number;
  location: string;
  status: CabMeeting["status"];
  ruleId: number | null;
  /** An extra meeting the chair called for a change, and why (null for a regular one). */
  extraReason: string | null;
};

export const meetingView = (m: CabMeeting): MeetingView => ({
  id: m.id,
  startsAt: m.startsAt.toISOString(),
  durationMinutes: m.durationMinutes,
  location: m.location,
  status: m.status,
  ruleId: m.ruleId,
  extraReason: m.extra ? (m.extraReason ?? "") : null,
});

const str = (value: unknown) => (typeof value === "string" ? value : "");
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const iso = (value: Date | string) => new Date(value).toISOString();

const emptyVotes = (): VoteSummary => ({ counts: { approve: 0, reject: 0, abstain: 0 }, members: [] });

/** Votes given at `meetingId`, by case id. */
async function votesAt(db: Db, meeting: Pick<CabMeeting, "id" | "openedAt">, caseIds: number[]): Promise<Map<number, VoteSummary>> {
  const meetingId = meeting.id;
  const found = new Map<number, VoteSummary>();
  if (!caseIds.length) return found;
  const rows = await db
    .select({ caseId: cabVotes.caseId, userId: cabVotes.userId, name: users.name, vote: cabVotes.vote, at: cabVotes.at })
    .from(cabVotes)
    .innerJoin(users, eq(users.id, cabVotes.userId))
    .where(and(eq(cabVotes.meetingId, meetingId), inArray(cabVotes.caseId, caseIds)))
    .orderBy(asc(users.name), asc(cabVotes.userId));
  for (const row of rows) {
    const summary = found.get(row.caseId) ?? emptyVotes();
    summary.counts[row.vote] += 1;
    const advance = !meeting.openedAt || row.at < meeting.openedAt;
    summary.members.push({ userId: row.userId, name: row.name, vote: row.vote, at: row.at.toISOString(), advance });
    found.set(row.caseId, summary);
  }
  return found;
}

/** The advanced changes waiting for `meetingId` (status awaiting-cab, on its agenda), in window order. */
async function pendingItems(db: Db, meeting: CabMeeting): Promise<AgendaItem[]> {
  const rows = await casesWithParties(db)
    .where(and(eq(cases.type, "advanced-change"), eq(cases.status, "awaiting-cab"), eq(cases.cabMeetingId, meeting.id)))
    .orderBy(asc(cases.windowStart), asc(cases.id));
  const ids = rows.map((r) => r.c.id);
  const votes = await votesAt(db, meeting, ids);
  const comments = ids.length
    ? await db
        .select({
          id: cabComments.id,
          caseId: cabComments.caseId,
          body: cabComments.body,
          at: cabComments.at,
          meetingId: cabComments.meetingId,
          userId: users.id,
          name: users.name,
        })
        .from(cabComments)
        .innerJoin(users, eq(users.id, cabComments.userId))
        .where(inArray(cabComments.caseId, ids))
        .orderBy(asc(cabComments.at), asc(cabComments.id))
    : [];
  const items: AgendaItem[] = [];
  for (const { c, systemCode, systemName, supplierName, requesterName } of rows) {
    const window = c.windowStart && c.windowEnd ? { start: c.windowStart.toISOString(), end: c.windowEnd.toISOString() } : null;
    const found = await conflictsOf(db, c.id);
    const d = c.details;
    items.push({
      id: c.id,
      number: c.number,
      title: c.title,
      description: c.description,
      status: c.status,
      system: { code: systemCode, name: systemName },
      supplier: c.supplierId && supplierName ? { id: c.supplierId, name: supplierName } : null,
      requester: { id: c.requesterId, name: requesterName },
      window,
      referredAt: c.referredAt?.toISOString() ?? null,
      details: {
        reason: str(d.reason),
        impactDescription: str(d.impactDescription),
        risk: str(d.risk),
        testPlan: str(d.testPlan),
        rollbackPlan: str(d.rollbackPlan),
        affectedSystems: strings(d.affectedSystems),
        accounts: strings(d.accounts),
        supplierPeople: strings(d.supplierPeople),
      },
      conflicts: found,
      needs: Object.fromEntries(
        DECISION_EVENTS.map((e) => [e, needsOf("advanced-change", e, { conflicts: found.length, freezes: freezeCount(found), window })]),
      ) as AgendaItem["needs"],
      late: isLate(meeting, { referredAt: c.referredAt, windowStart: c.windowStart }),
      votes: votes.get(c.id) ?? emptyVotes(),
      comments: comments
        .filter((m) => m.caseId === c.id)
        .map((m) => ({ id: m.id, body: m.body, at: m.at.toISOString(), meetingId: m.meetingId, author: { id: m.userId, name: m.name } })),
    });
  }
  return items;
}

/** The decisions taken at `meetingId` (see the module comment for how they are attributed). */
async function decisionsAt(db: Db, meeting: CabMeeting): Promise<Decision[]> {
  const meetingId = meeting.id;
  const id = String(meetingId);
  const actor = alias(users, "actor_user");
  const placedAt = sql<number | null>`(
    select (p.detail->>'meetingId')::int from audit_log p
    where p.case_id = ${auditLog.caseId} and p.id < ${auditLog.id}
      and p.event in (${sql.join(
        PLACING_EVENTS.map((e) => sql`${e}`),
        sql`, `,
      )})
    order by p.id desc limit 1
  )`;
  const rows = await db
    .select({
      a: auditLog,
      caseId: cases.id,
      number: cases.number,
      title: cases.title,
      systemCode: systems.code,
      systemName: systems.name,
      actorName: actor.name,
    })
    .from(auditLog)
    .innerJoin(cases, eq(cases.id, auditLog.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(actor, eq(actor.id, auditLog.actorUserId))
    .where(
      and(
        inArray(auditLog.event, [...DECISION_EVENTS]),
        eq(auditLog.fromState, "awaiting-cab"),
        // Only cases that were ever placed on this meeting (cheap), then the exact attribution.
        sql`${auditLog.caseId} in (select q.case_id from audit_log q where q.event in (${sql.join(
          PLACING_EVENTS.map((e) => sql`${e}`),
          sql`, `,
        )}) and q.detail->>'meetingId' = ${id})`,
        sql`${placedAt} = ${meetingId}`,
      ),
    )
    .orderBy(asc(auditLog.id));
  const votes = await votesAt(db, meeting, [...new Set(rows.map((r) => r.caseId))]);
  const targetIds = rows
    .filter((r) => r.a.event === "CAB_DEFER")
    .map((r) => Number(r.a.detail.meetingId))
    .filter((n) => Number.isInteger(n) && n > 0);
  const targets = targetIds.length ? await db.select().from(cabMeetings).where(inArray(cabMeetings.id, targetIds)) : [];
  return rows.map((r) => {
    const target = r.a.event === "CAB_DEFER" ? targets.find((m) => m.id === Number(r.a.detail.meetingId)) : undefined;
    return {
      auditId: r.a.id,
      number: r.number,
      title: r.title,
      system: { code: r.systemCode, name: r.systemName },
      event: r.a.event as Decision["event"],
      reason: r.a.reason,
      conditions: typeof r.a.detail.conditions === "string" ? r.a.detail.conditions : null,
      overrideFreeze: r.a.detail.overrideFreeze === true,
      deferredTo: target ? { id: target.id, startsAt: target.startsAt.toISOString(), location: target.location } : null,
      at: r.a.at.toISOString(),
      actor: r.actorName ?? r.a.actorLabel,
      votes: votes.get(r.caseId) ?? emptyVotes(),
    };
  });
}

/**
 * A meeting's agenda: the changes waiting for it (`items`) and those already decided at it
 * (`decided`); undefined when there is no such meeting.
 */
export async function agendaOf(
  db: Db,
  meetingId: number,
): Promise<{ meeting: MeetingView; items: AgendaItem[]; decided: Decision[]; reviews: ReviewItem[] } | undefined> {
  const meeting = await getMeeting(db, meetingId);
  if (!meeting) return undefined;
  const [items, decided, reviews] = await Promise.all([pendingItems(db, meeting), decisionsAt(db, meeting), reviewsAt(db, meeting)]);
  return { meeting: meetingView(meeting), items, decided, reviews };
}

// Follow-up of implemented changes ---------------------------------------------------------------

/** The outcomes the board looks at first: what went wrong. */
const REVIEW_ORDER = ["failed", "rolled-back", "not-resolved", "needs-change", "successful", "resolved"] as const;

export type ReviewItem = {
  number: string;
  title: string;
  type: Case["type"];
  system: { code: string; name: string };
  outcome: string;
  comment: string | null;
  reportedAt: string;
  reportedBy: string | null;
  note: { text: string; by: string | null; at: string } | null;
};

/**
 * The implemented changes a meeting follows up (post-implementation review): every change —
 * planned or an emergency — whose outcome was reported after the previous meeting began and
 * before this one begins; failed and rolled-back first, then by when they were reported; with the
 * board's note on each, if it has made one.
 */
export async function reviewsAt(db: Db, meeting: Pick<CabMeeting, "id" | "startsAt">): Promise<ReviewItem[]> {
  const [previous] = await db
    .select({ startsAt: cabMeetings.startsAt })
    .from(cabMeetings)
    .where(and(lt(cabMeetings.startsAt, meeting.startsAt), ne(cabMeetings.status, "cancelled")))
    .orderBy(desc(cabMeetings.startsAt))
    .limit(1);
  const reporter = alias(users, "reporter");
  const recorder = alias(users, "recorder");
  const rows = await db
    .select({
      at: auditLog.at,
      detail: auditLog.detail,
      number: cases.number,
      title: cases.title,
      type: cases.type,
      systemCode: systems.code,
      systemName: systems.name,
      reportedBy: reporter.name,
      note: cabReviews.note,
      noteAt: cabReviews.recordedAt,
      noteBy: recorder.name,
    })
    .from(auditLog)
    .innerJoin(cases, eq(cases.id, auditLog.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(reporter, eq(reporter.id, auditLog.actorUserId))
    .leftJoin(cabReviews, and(eq(cabReviews.meetingId, meeting.id), eq(cabReviews.caseId, cases.id)))
    .leftJoin(recorder, eq(recorder.id, cabReviews.recordedById))
    .where(
      and(
        eq(auditLog.event, "REPORT_OUTCOME"),
        inArray(cases.type, ["emergency", "simple-change", "advanced-change"]),
        previous ? gt(auditLog.at, previous.startsAt) : undefined,
        lte(auditLog.at, meeting.startsAt),
      ),
    )
    .orderBy(asc(auditLog.at), asc(auditLog.id));
  const rank = (outcome: string) => {
    const at = (REVIEW_ORDER as readonly string[]).indexOf(outcome);
    return at === -1 ? REVIEW_ORDER.length : at;
  };
  return rows
    .map((r) => {
      const detail = r.detail as { outcome?: unknown; comment?: unknown };
      return {
        number: r.number,
        title: r.title,
        type: r.type,
        system: { code: r.systemCode, name: r.systemName },
        outcome: typeof detail.outcome === "string" ? detail.outcome : "",
        comment: typeof detail.comment === "string" && detail.comment ? detail.comment : null,
        reportedAt: r.at.toISOString(),
        reportedBy: r.reportedBy,
        note: r.note !== null ? { text: r.note, by: r.noteBy, at: (r.noteAt ?? r.at).toISOString() } : null,
      };
    })
    .sort((a, b) => rank(a.outcome) - rank(b.outcome));
}

export const REVIEW_NOTE_MAX = 4000;

/** The chair records the board's follow-up note on an implemented change on the meeting's review list (in session, with a quorum); again replaces it. */
export async function recordReview(db: Db, user: User, meetingId: number, number: string, note: unknown, now = new Date()): Promise<void> {
  const text = typeof note === "string" ? note.trim() : "";
  if (!text) throw new WorkflowError(422, "Write the board's follow-up note.", { note: { key: "validation.required" } });
  if (text.length > REVIEW_NOTE_MAX)
    throw new WorkflowError(422, "The note is too long.", { note: { key: "validation.tooLong", params: { max: REVIEW_NOTE_MAX } } });
  await db.transaction(async (tx) => {
    const [meeting] = await tx.select().from(cabMeetings).where(eq(cabMeetings.id, meetingId)).for("update");
    if (!meeting) throw new WorkflowError(404, "No such meeting.");
    const problem = decisionProblem(await factsOf(tx, meeting), user.id);
    if (problem) refuseMeeting(problem);
    if (!(await reviewsAt(tx, meeting)).some((r) => r.number === number))
      throw new WorkflowError(409, "The change is not on this meeting's follow-up.", { _form: { key: "cab.review.notListed" } });
    const [c] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.number, number));
    await tx
      .insert(cabReviews)
      .values({ meetingId, caseId: c!.id, note: text, recordedById: user.id, recordedAt: now })
      .onConflictDoUpdate({ target: [cabReviews.meetingId, cabReviews.caseId], set: { note: text, recordedById: user.id, recordedAt: now } });
    await audit(tx, { action: "cab.review.recorded", actorUserId: user.id, detail: { meetingId, number, note: text } });
  });
}

/** The agenda item `number` of `meetingId`, or a WorkflowError: 404 (no meeting/case), 409 (not on the agenda). */
export async function onAgenda(db: Db, meetingId: number, number: string) {
  const meeting = await getMeeting(db, meetingId);
  if (!meeting) throw new WorkflowError(404, "No such meeting.");
  const [c] = await db.select().from(cases).where(eq(cases.number, number));
  if (!c) throw new WorkflowError(404, "No such case.");
  if (c.type !== "advanced-change" || c.status !== "awaiting-cab" || c.cabMeetingId !== meeting.id) {
    throw new WorkflowError(409, "The change is not on this meeting's agenda.", { _form: { key: "cab.error.notOnAgenda" } });
  }
  return { meeting, c };
}

/** Refuses `user`'s part in the board's work on `c` when the rules do not allow it (machines/rules.ts `boardProblems`). */
async function mayTakePart(db: Db, user: User, c: Case, act: "vote" | "comment"): Promise<void> {
  const problem = boardProblems(await actorFor(db, user, c), act);
  if (problem) throw new WorkflowError(403, `You may not ${act} on this change.`, { _form: { key: problem.key } });
}

/**
 * A CAB member's vote on an agenda item: one per member, change and meeting (voting again
 * replaces it). Only members (role `cab`), never on a change they requested themselves.
 */
export async function vote(db: Db, user: User, meetingId: number, number: string, value: unknown, now = new Date()): Promise<CabVote> {
  if (typeof value !== "string" || !(CAB_VOTES as readonly string[]).includes(value)) {
    throw new WorkflowError(422, "Choose approve, reject or abstain.", { vote: { key: "validation.choose" } });
  }
  const { meeting, c } = await onAgenda(db, meetingId, number);
  await mayTakePart(db, user, c, "vote");
  // Before the meeting (an advance vote) or, while it is in session, as a member present; never after it.
  const problem = votingProblem(await factsOf(db, meeting), user.id);
  if (problem) refuseMeeting(problem);
  const chosen = value as CabVote;
  await db
    .insert(cabVotes)
    .values({ caseId: c.id, meetingId: meeting.id, userId: user.id, vote: chosen, at: now })
    .onConflictDoUpdate({ target: [cabVotes.caseId, cabVotes.meetingId, cabVotes.userId], set: { vote: chosen, at: now } });
  return chosen;
}

/** A comment on an agenda item, by a member (not on their own change) or the service centre. */
export async function comment(db: Db, user: User, meetingId: number, number: string, body: unknown, now = new Date()): Promise<number> {
  const text = typeof body === "string" ? body.trim() : "";
  if (!text) throw new WorkflowError(422, "Write a comment.", { body: { key: "validation.required" } });
  if (text.length > COMMENT_MAX)
    throw new WorkflowError(422, "The comment is too long.", { body: { key: "validation.tooLong", params: { max: COMMENT_MAX } } });
  const { meeting, c } = await onAgenda(db, meetingId, number);
  await mayTakePart(db, user, c, "comment");
  const [row] = await db
    .insert(cabComments)
    .values({ caseId: c.id, meetingId: meeting.id, userId: user.id, body: text, at: now })
    .returning({ id: cabComments.id });
  return row!.id;
}

// Overviews ------------------------------------------------------------------------------------

export type MeetingSummary = MeetingView & { items: number; late: number };

/** Agenda sizes (and late items) of the given meetings. */
async function withCounts(db: Db, meetings: CabMeeting[]): Promise<MeetingSummary[]> {
  const ids = meetings.map((m) => m.id);
  const pending = ids.length
    ? await db
        .select({ meetingId: cases.cabMeetingId, referredAt: cases.referredAt, windowStart: cases.windowStart })
        .from(cases)
        .where(and(eq(cases.status, "awaiting-cab"), inArray(cases.cabMeetingId, ids)))
    : [];
  return meetings.map((m) => {
    const mine = pending.filter((p) => p.meetingId === m.id);
    return { ...meetingView(m), items: mine.length, late: mine.filter((p) => isLate(m, p)).length };
  });
}

/** Scheduled meetings ahead, with their agenda sizes. */
export async function upcomingWithCounts(db: Db, now = new Date()): Promise<MeetingSummary[]> {
  return withCounts(db, await scheduledMeetings(db, now));
}

/** The latest meetings that have started (held or not yet marked so), for their minutes. */
export async function recentMeetings(db: Db, now = new Date(), limit = 10): Promise<MeetingSummary[]> {
  const past = await db
    .select()
    .from(cabMeetings)
    .where(and(lte(cabMeetings.startsAt, now), ne(cabMeetings.status, "cancelled")))
    .orderBy(desc(cabMeetings.startsAt))
    .limit(limit);
  return withCounts(db, past);
}

/** Scheduled meetings after `meeting` (where a change on its agenda may be deferred to). */
export async function laterMeetings(db: Db, meeting: Pick<CabMeeting, "startsAt">, now = new Date()): Promise<MeetingView[]> {
  return (await scheduledMeetings(db, now)).filter((m) => m.startsAt > meeting.startsAt).map(meetingView);
}

/** Every advanced change waiting for the board (for the chair's extra meeting), by window. */
export async function changesAwaitingBoard(db: Db) {
  return db
    .select({ number: cases.number, title: cases.title })
    .from(cases)
    .where(and(eq(cases.type, "advanced-change"), eq(cases.status, "awaiting-cab")))
    .orderBy(asc(cases.windowStart), asc(cases.id));
}

/** Advanced changes waiting for the board that no meeting has been found for yet. */
export async function unscheduledChanges(db: Db) {
  const rows = await db
    .select({
      number: cases.number,
      title: cases.title,
      systemCode: systems.code,
      windowStart: cases.windowStart,
      windowEnd: cases.windowEnd,
      referredAt: cases.referredAt,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(and(eq(cases.type, "advanced-change"), eq(cases.status, "awaiting-cab"), isNull(cases.cabMeetingId)))
    .orderBy(asc(cases.windowStart), asc(cases.id));
  return rows.map((r) => ({
    number: r.number,
    title: r.title,
    systemCode: r.systemCode,
    window: r.windowStart && r.windowEnd ? { start: iso(r.windowStart), end: iso(r.windowEnd) } : null,
    referredAt: r.referredAt?.toISOString() ?? null,
  }));
}

// Scheduling (the service centre) ----------------------------------------------------------------

const time = z
  .string({ error: msg("validation.required") })
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("cab.validation.time"));
const location = z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string().max(200));

export const meetingInput = z.object({
  date: z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .pipe(isoDate),
  time,
  location,
});
export const ruleInput = z.object({
  weekday: z.preprocess(
    (v) => (v === "" || v == null ? undefined : Number(v)),
    z
      .number({ error: msg("validation.choose") })
      .int("validation.choose")
      .min(1, msg("validation.choose"))
      .max(7, msg("validation.choose")),
  ),
  time,
  location,
});

function requireCentre(user: User) {
  if (!hasRole(user, "service-centre"))
    throw new WorkflowError(403, "Only the service centre schedules the board's meetings.", { _form: { key: "case.action.forbidden" } });
}

function parsed<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new WorkflowError(422, "The request is not valid.", fieldErrorsOf(result.error));
  return result.data;
}

/** A one-off meeting at a Stockholm date and time; a cancelled meeting at that moment is brought back. */
/** A meeting's start from its typed Stockholm date and time, or 422 at the date. */
function meetingStart(input: { date: string; time: string }): Date {
  const at = stockholmLocalToIso(`${input.date}T${input.time}`);
  const startsAt = at ? new Date(at) : undefined;
  if (!startsAt || Number.isNaN(startsAt.getTime())) throw new WorkflowError(422, "The date is not valid.", { date: { key: "validation.date" } });
  return startsAt;
}

export async function addMeeting(db: Db, user: User, raw: unknown, now = new Date()): Promise<CabMeeting> {
  requireCentre(user);
  const input = parsed(meetingInput, raw);
  const startsAt = meetingStart(input);
  if (startsAt <= now) throw new WorkflowError(422, "The meeting must be in the future.", { date: { key: "cab.validation.past" } });
  const [existing] = await db.select().from(cabMeetings).where(eq(cabMeetings.startsAt, startsAt));
  if (existing && existing.status !== "cancelled")
    throw new WorkflowError(422, "There is a meeting at that time already.", { time: { key: "cab.validation.taken" } });
  if (existing) {
    const [revived] = await db.update(cabMeetings).set({ status: "scheduled", location: input.location }).where(eq(cabMeetings.id, existing.id)).returning();
    return revived!;
  }
  const [created] = await db.insert(cabMeetings).values({ startsAt, location: input.location }).returning();
  return created!;
}

export const extraMeetingInput = meetingInput.extend({
  number: z
    .string({ error: msg("validation.choose") })
    .trim()
    .min(1, msg("validation.choose"))
    .max(40),
  reason: z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(2000),
});

/**
 * The chair calls an extra meeting for an advanced change waiting for the board, at shorter notice
 * than a regular meeting (machines/rules.ts `extraMeetingProblems`): the change moves onto its
 * agenda, the members are told, and the call is in the change's trail.
 */
export async function callExtraMeeting(db: Db, user: User, raw: unknown, now = new Date()): Promise<CabMeeting> {
  requireCentre(user);
  const input = parsed(extraMeetingInput, raw);
  const startsAt = meetingStart(input);
  return db.transaction(async (tx) => {
    const [c] = input.number.includes("\0") ? [] : await tx.select().from(cases).where(eq(cases.number, input.number)).for("update");
    if (!c) throw new WorkflowError(422, "No such change.", { number: { key: "cab.extra.notAwaiting" } });
    const problems = extraMeetingProblems(c, startsAt, now);
    if (!isEmpty(problems)) throw new WorkflowError(problems.number ? 409 : 422, "The extra meeting cannot be called so.", toFieldErrors(problems));
    const [taken] = await tx.select().from(cabMeetings).where(eq(cabMeetings.startsAt, startsAt));
    if (taken) throw new WorkflowError(422, "There is a meeting at that time already.", { time: { key: "cab.validation.taken" } });
    const [meeting] = await tx.insert(cabMeetings).values({ startsAt, location: input.location, extra: true, extraReason: input.reason }).returning();
    await tx
      .update(cases)
      .set({ cabMeetingId: meeting!.id, version: c.version + 1, updatedAt: now })
      .where(eq(cases.id, c.id));
    const auditId = await auditTransition(tx, {
      user,
      caseId: c.id,
      event: "CAB_EXTRA_MEETING",
      from: c.status,
      to: c.status,
      reason: input.reason,
      detail: { meetingId: meeting!.id, startsAt: startsAt.toISOString(), from: c.cabMeetingId },
    });
    await queueMessages(tx, { ...c, cabMeetingId: meeting!.id }, { auditId, event: "CAB_EXTRA_MEETING", reason: input.reason });
    return meeting!;
  });
}

/** A recurring meeting (weekday and Stockholm time); its meetings for the coming weeks are created at once. */
export async function addRule(db: Db, user: User, raw: unknown, now = new Date()): Promise<CabMeetingRule> {
  requireCentre(user);
  const input = parsed(ruleInput, raw);
  const [same] = await db
    .select()
    .from(cabMeetingRules)
    .where(and(eq(cabMeetingRules.active, true), eq(cabMeetingRules.weekday, input.weekday), eq(cabMeetingRules.time, input.time)));
  if (same) throw new WorkflowError(422, "There is such a recurring meeting already.", { time: { key: "cab.validation.ruleExists" } });
  const [rule] = await db.insert(cabMeetingRules).values({ weekday: input.weekday, time: input.time, location: input.location }).returning();
  await materialiseMeetings(db, now);
  return rule!;
}

/**
 * Ends a recurring meeting. Its future meetings with nothing on the agenda are cancelled; those
 * with changes on them stay (the chair defers the changes, or holds the meeting).
 */
export async function deactivateRule(db: Db, user: User, ruleId: number, now = new Date()): Promise<void> {
  requireCentre(user);
  const [rule] = await db.update(cabMeetingRules).set({ active: false }).where(eq(cabMeetingRules.id, ruleId)).returning();
  if (!rule) throw new WorkflowError(404, "No such recurring meeting.", { _form: { key: "cab.error.noRule" } });
  await db
    .update(cabMeetings)
    .set({ status: "cancelled" })
    .where(
      and(
        eq(cabMeetings.ruleId, ruleId),
        eq(cabMeetings.status, "scheduled"),
        gt(cabMeetings.startsAt, now),
        sql`not exists (select 1 from cases c where c.cab_meeting_id = cab_meetings.id and c.status = 'awaiting-cab')`,
      ),
    );
}

export async function activeRules(db: Db): Promise<CabMeetingRule[]> {
  return db.select().from(cabMeetingRules).where(eq(cabMeetingRules.active, true)).orderBy(asc(cabMeetingRules.weekday), asc(cabMeetingRules.time));
}

export type { FieldErrors };
