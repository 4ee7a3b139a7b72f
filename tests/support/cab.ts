import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { cabMeetings, cases, type User } from "../../db/schema";
import { openMeeting } from "~/cab/session.server";

/**
 * The board in session for a test: the meeting is moved to start within the hour (the arrangement's
 * clock: a meeting may be opened from an hour before it starts) and its chair opens it with
 * `members` and one named substitute present — a quorum. Nothing happens if it is open already.
 */
export async function holdMeeting(db: Db, meetingId: number, chair: User, members: User[]): Promise<void> {
  const [meeting] = await db.select().from(cabMeetings).where(eq(cabMeetings.id, meetingId));
  if (!meeting) throw new Error(`no meeting ${meetingId}`);
  if (meeting.status === "in-session") return;
  const soon = new Date(Date.now() + 30 * 60_000);
  if (meeting.startsAt > soon) await db.update(cabMeetings).set({ startsAt: soon }).where(eq(cabMeetings.id, meetingId));
  await openMeeting(db, chair, meetingId, { members: members.map((m) => m.id), substitutes: [{ name: "Ersättare Eva Ek" }] });
}

/** Puts a referred change on `meetingId`'s agenda (a change referred while that meeting is in session goes to the next one). */
export async function putOnAgenda(db: Db, number: string, meetingId: number): Promise<void> {
  await db.update(cases).set({ cabMeetingId: meetingId }).where(eq(cases.number, number));
}
