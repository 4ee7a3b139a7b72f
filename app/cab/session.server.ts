import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import { cabAttendance, cabMeetings, cabSettings, users, type CabMeeting, type User } from "../../db/schema";
import {
  adjustingProblem,
  CAB_QUORUM_MEMBERS,
  CAB_QUORUM_RANGE,
  closingProblem,
  decisionProblem,
  openingProblem,
  type MeetingFacts,
  type Problem,
} from "../../machines/rules";
import { audit } from "~/audit/audit.server";
import { WorkflowError } from "~/cases/errors";
import { getMeeting } from "./meetings.server";
import { hasRole } from "~/access/roles";
import { holding } from "~/access/roles.server";

/**
 * A CAB meeting held: the chair (the service centre) opens it with who is present, records the
 * board's decisions while it is in session, and closes it; then a member who was present, not the
 * chair, adjusts the minutes, which locks them. The rules are machines/rules.ts's; this module
 * reads the facts they need and writes each step with its audit row in one transaction.
 */

export type Attendee = { name: string; kind: "member" | "substitute"; userId: number | null; substituteFor: string | null };

/** The board's quorum now (members besides the chair), as the administrator set it. */
export async function boardQuorum(db: Db): Promise<number> {
  const [row] = await db.select({ quorum: cabSettings.quorumMembers }).from(cabSettings).where(eq(cabSettings.id, 1));
  return row?.quorum ?? CAB_QUORUM_MEMBERS;
}

/** The administrator sets the board's quorum; meetings opened from now on need it. Audited. */
export async function setBoardQuorum(db: Db, user: Pick<User, "id" | "role">, raw: unknown, ip: string | null = null): Promise<number> {
  if (!hasRole(user, "admin")) throw new WorkflowError(403, "Only an administrator sets the board's quorum.");
  const parsed = z.coerce.number().int().min(CAB_QUORUM_RANGE.min).max(CAB_QUORUM_RANGE.max).safeParse(raw);
  if (!parsed.success)
    throw new WorkflowError(422, "The quorum is a whole number of members.", { quorum: { key: "admin.cab.quorumRange", params: { ...CAB_QUORUM_RANGE } } });
  const quorum = parsed.data;
  await db.transaction(async (tx) => {
    const before = await boardQuorum(tx);
    await tx
      .insert(cabSettings)
      .values({ id: 1, quorumMembers: quorum, updatedById: user.id })
      .onConflictDoUpdate({ target: cabSettings.id, set: { quorumMembers: quorum, updatedById: user.id, updatedAt: new Date() } });
    await audit(tx, { action: "cab.quorum.set", actorUserId: user.id, ip, detail: { from: before, to: quorum } });
  });
  return quorum;
}

/** The meeting as the rules see it, from its row, who is recorded present and the board's quorum now (for a meeting not yet opened). */
function factsFrom(meeting: CabMeeting, present: readonly { userId: number | null }[], quorumNow: number): MeetingFacts & { meeting: CabMeeting } {
  return {
    meeting,
    quorum: meeting.quorumMembers ?? quorumNow,
    status: meeting.status,
    startsAt: meeting.startsAt,
    chairId: meeting.chairId,
    adjustedAt: meeting.adjustedAt,
    present: present.length,
    presentUserIds: present.flatMap((p) => (p.userId === null ? [] : [p.userId])),
  };
}

/** The facts of a meeting already read (its attendance is read here). */
export async function factsOf(db: Db, meeting: CabMeeting): Promise<MeetingFacts & { meeting: CabMeeting }> {
  const [present, quorum] = await Promise.all([
    db.select({ userId: cabAttendance.userId }).from(cabAttendance).where(eq(cabAttendance.meetingId, meeting.id)),
    meeting.quorumMembers ?? boardQuorum(db),
  ]);
  return factsFrom(meeting, present, quorum);
}

/** The meeting as the rules see it (for update: a step and its check see the same row). */
export async function meetingFacts(db: Db, meetingId: number, options: { lock?: boolean } = {}): Promise<(MeetingFacts & { meeting: CabMeeting }) | undefined> {
  const query = db.select().from(cabMeetings).where(eq(cabMeetings.id, meetingId));
  const [meeting] = options.lock ? await query.for("update") : await query;
  return meeting ? factsOf(db, meeting) : undefined;
}

/** Who was present, members first, then substitutes, each by name. */
export async function attendanceOf(db: Db, meetingId: number): Promise<Attendee[]> {
  const rows = await db
    .select({ name: cabAttendance.name, kind: cabAttendance.kind, userId: cabAttendance.userId, substituteForId: cabAttendance.substituteForId })
    .from(cabAttendance)
    .where(eq(cabAttendance.meetingId, meetingId))
    .orderBy(asc(cabAttendance.kind), asc(cabAttendance.name));
  const forIds = rows.flatMap((r) => (r.substituteForId ? [r.substituteForId] : []));
  const named = forIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, forIds)) : [];
  return rows.map((r) => ({
    name: r.name,
    kind: r.kind,
    userId: r.userId,
    substituteFor: named.find((n) => n.id === r.substituteForId)?.name ?? null,
  }));
}

/** The board's members (who hold the role cab, active): whom the chair can mark present. */
export async function boardMembers(db: Db): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(holding("cab"), eq(users.status, "active")))
    .orderBy(asc(users.name));
}

/** Who may do it (the chair, a member present): 403; the meeting's state: 409; the attendance: 422. */
const statusOf = (problem: Problem): 403 | 409 | 422 =>
  problem.key === "cab.session.noQuorum"
    ? 422
    : problem.key === "cab.session.notChair" ||
        problem.key === "cab.session.notPresent" ||
        problem.key === "cab.session.chairAdjusts" ||
        problem.key === "cab.session.voteNotPresent"
      ? 403
      : 409;

export const refuseMeeting = (problem: Problem, field = "_form"): never => {
  const status = statusOf(problem);
  throw new WorkflowError(status, problem.key, { [field]: { key: problem.key as never, params: problem.params } });
};

function requireChairRole(user: User) {
  if (!hasRole(user, "service-centre")) throw new WorkflowError(403, "Only the service centre chairs the board.", { _form: { key: "case.action.forbidden" } });
}

const SUBSTITUTE_NAME_MAX = 200;
export const openingInput = z.object({
  members: z.array(z.coerce.number().int().positive()).max(200).default([]),
  substitutes: z
    .array(z.object({ name: z.string().trim().max(SUBSTITUTE_NAME_MAX), forId: z.coerce.number().int().positive().optional() }))
    .max(20)
    .default([]),
});
export type OpeningInput = z.input<typeof openingInput>;

/** The chair opens the meeting: who is present is recorded, the quorum checked, and the meeting is in session. */
export async function openMeeting(db: Db, user: User, meetingId: number, raw: OpeningInput, now = new Date()): Promise<void> {
  requireChairRole(user);
  const parsed = openingInput.safeParse(raw);
  if (!parsed.success) throw new WorkflowError(422, "The attendance is not valid.", { members: { key: "validation.invalid" } });
  const substitutes = parsed.data.substitutes.filter((s) => s.name.length > 0);
  const memberIds = [...new Set(parsed.data.members)];
  await db.transaction(async (tx) => {
    const facts = await meetingFacts(tx, meetingId, { lock: true });
    if (!facts) throw new WorkflowError(404, "No such meeting.");
    const members = await boardMembers(tx);
    const present = members.filter((m) => memberIds.includes(m.id));
    if (present.length !== memberIds.length)
      throw new WorkflowError(422, "Only the board's members can be marked present.", { members: { key: "validation.invalid" } });
    if (substitutes.some((s) => s.forId !== undefined && !members.some((m) => m.id === s.forId)))
      throw new WorkflowError(422, "A substitute stands in for a member of the board.", { substitutes: { key: "validation.invalid" } });
    const problem = openingProblem(facts, present.length + substitutes.length, now);
    if (problem) refuseMeeting(problem, problem.key === "cab.session.noQuorum" ? "members" : "_form");
    const rows = [
      ...present.map((m) => ({ meetingId, userId: m.id, name: m.name, kind: "member" as const, substituteForId: null })),
      ...substitutes.map((s) => ({ meetingId, userId: null, name: s.name, kind: "substitute" as const, substituteForId: s.forId ?? null })),
    ];
    await tx.insert(cabAttendance).values(rows);
    await tx
      .update(cabMeetings)
      .set({ status: "in-session", chairId: user.id, openedAt: now, quorumMembers: facts.quorum })
      .where(eq(cabMeetings.id, meetingId));
    await audit(tx, {
      action: "cab.meeting.opened",
      actorUserId: user.id,
      detail: { meetingId, quorum: facts.quorum, present: rows.map((r) => ({ name: r.name, kind: r.kind })) },
    });
  });
}

/** The chair closes the meeting: no decision can be recorded in it after this. */
export async function closeMeeting(db: Db, user: User, meetingId: number, now = new Date()): Promise<void> {
  requireChairRole(user);
  await db.transaction(async (tx) => {
    const facts = await meetingFacts(tx, meetingId, { lock: true });
    if (!facts) throw new WorkflowError(404, "No such meeting.");
    const problem = closingProblem(facts, user.id);
    if (problem) refuseMeeting(problem);
    await tx.update(cabMeetings).set({ status: "closed", closedAt: now }).where(eq(cabMeetings.id, meetingId));
    await audit(tx, { action: "cab.meeting.closed", actorUserId: user.id, detail: { meetingId } });
  });
}

/** A member who was present, not the chair, adjusts ("justerar") the minutes of a closed meeting: they are locked. */
export async function adjustMinutes(db: Db, user: User, meetingId: number, now = new Date()): Promise<void> {
  if (!hasRole(user, "cab")) throw new WorkflowError(403, "A member of the board adjusts the minutes.", { _form: { key: "case.action.forbidden" } });
  await db.transaction(async (tx) => {
    const facts = await meetingFacts(tx, meetingId, { lock: true });
    if (!facts) throw new WorkflowError(404, "No such meeting.");
    const problem = adjustingProblem(facts, user.id);
    if (problem) refuseMeeting(problem);
    await tx.update(cabMeetings).set({ adjustedAt: now, adjustedById: user.id }).where(eq(cabMeetings.id, meetingId));
    await audit(tx, { action: "cab.meeting.adjusted", actorUserId: user.id, detail: { meetingId } });
  });
}

/** What the meeting page shows of the meeting held, and which of its steps `user` may take now. */
export async function sessionOf(db: Db, meetingId: number, user: Pick<User, "id" | "role">, now = new Date()) {
  const meeting = await getMeeting(db, meetingId);
  if (!meeting) throw new WorkflowError(404, "No such meeting.");
  const namesOf = [meeting.chairId, meeting.adjustedById].filter((id): id is number => id !== null);
  const [attendance, named, members, quorumNow] = await Promise.all([
    attendanceOf(db, meeting.id),
    namesOf.length ? db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, namesOf)) : [],
    hasRole(user, "service-centre") && meeting.status === "scheduled" ? boardMembers(db) : [],
    meeting.quorumMembers ?? boardQuorum(db),
  ]);
  const facts = factsFrom(meeting, attendance, quorumNow);
  const nameOf = (id: number | null) => named.find((n) => n.id === id)?.name ?? null;
  const chairRole = hasRole(user, "service-centre");
  return {
    status: meeting.status,
    chair: nameOf(meeting.chairId),
    openedAt: meeting.openedAt?.toISOString() ?? null,
    closedAt: meeting.closedAt?.toISOString() ?? null,
    adjustedAt: meeting.adjustedAt?.toISOString() ?? null,
    adjustedBy: nameOf(meeting.adjustedById),
    attendance,
    quorum: facts.quorum,
    members,
    // The forms are offered when the step is possible for this person (as if the quorum came); the server checks again.
    mayOpen: chairRole && !openingProblem(facts, facts.quorum, now),
    mayClose: chairRole && !closingProblem(facts, user.id),
    mayAdjust: hasRole(user, "cab") && !adjustingProblem(facts, user.id),
    mayDecide: chairRole && !decisionProblem(facts, user.id),
  };
}
