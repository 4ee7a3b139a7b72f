import { and, asc, eq, gt } from "drizzle-orm";

import type { Db } from "../../db/client";
import { cabMeetingRules, cabMeetings, type CabMeeting } from "../../db/schema";
import { MEETINGS_AHEAD_WEEKS, meetingsOfRule } from "../../machines/time";

/**
 * CAB meetings: recurring rules (e.g. every Tuesday 13:00 Stockholm) become dated meetings a few
 * weeks ahead, next to one-off meetings. An advanced change referred to the board goes on the
 * agenda of the first meeting before its window starts; the chair may defer it to a later one.
 *
 * The dated meetings are laid out by writes — a rule's creation, a referral, the scheduler's
 * duties (app/jobs/scheduler.server.ts) — never by a page that only reads them.
 */
export { MEETINGS_AHEAD_WEEKS };
/** A change referred later than this many days before its meeting is flagged "late" on the agenda. */
export const LATE_REFERRAL_DAYS = 2;

const DAY = 24 * 3600_000;

/** Creates the dated meetings of every active rule for the coming weeks (idempotent). */
export async function materialiseMeetings(db: Db, now = new Date(), weeks = MEETINGS_AHEAD_WEEKS): Promise<void> {
  const rules = await db.select().from(cabMeetingRules).where(eq(cabMeetingRules.active, true));
  if (!rules.length) return;
  const values = rules.flatMap((rule) => meetingsOfRule(rule, now, weeks));
  if (values.length) await db.insert(cabMeetings).values(values).onConflictDoNothing({ target: cabMeetings.startsAt });
}

/** The scheduled meetings ahead, as laid out (a read: nothing is created). */
export async function scheduledMeetings(db: Db, now = new Date()): Promise<CabMeeting[]> {
  return db
    .select()
    .from(cabMeetings)
    .where(and(eq(cabMeetings.status, "scheduled"), gt(cabMeetings.startsAt, now)))
    .orderBy(asc(cabMeetings.startsAt));
}

/** The scheduled meetings ahead, the recurring ones laid out first (for writes that pick a meeting). */
export async function upcomingMeetings(db: Db, now = new Date()): Promise<CabMeeting[]> {
  await materialiseMeetings(db, now);
  return scheduledMeetings(db, now);
}

/** The meeting a newly referred change goes to: the first one before its window, else the next one. */
export async function meetingForReferral(db: Db, windowStart: Date | null, now = new Date()): Promise<CabMeeting | undefined> {
  const upcoming = await upcomingMeetings(db, now);
  return upcoming.find((m) => !windowStart || m.startsAt < windowStart) ?? upcoming[0];
}

/**
 * Whether an agenda item is late: referred less than two days before the meeting, or its window
 * starts before it. An extra meeting is called at short notice on purpose: only the window counts.
 */
export function isLate(meeting: Pick<CabMeeting, "startsAt" | "extra">, item: { referredAt: Date | null; windowStart: Date | null }): boolean {
  const referredLate = !meeting.extra && item.referredAt ? item.referredAt.getTime() > meeting.startsAt.getTime() - LATE_REFERRAL_DAYS * DAY : false;
  const windowFirst = item.windowStart ? item.windowStart <= meeting.startsAt : false;
  return referredLate || windowFirst;
}

export async function getMeeting(db: Db, id: number): Promise<CabMeeting | undefined> {
  const [row] = await db.select().from(cabMeetings).where(eq(cabMeetings.id, id));
  return row;
}
