import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import { agendaOf } from "./agenda.server";
import { sessionOf } from "./session.server";

/**
 * A meeting's minutes, as the page prints them and the CSV exports them: its agenda, decisions and
 * follow-ups, and the meeting held (chair, attendance, quorum, adjustment). 404 for an address
 * that names no meeting.
 */
export async function minutesOf(db: Db, user: Pick<User, "id" | "role">, id: string | undefined) {
  if (!/^\d{1,9}$/.test(id ?? "")) throw new Response("Not found", { status: 404 });
  const agenda = await agendaOf(db, Number(id));
  if (!agenda) throw new Response("Not found", { status: 404 });
  return { ...agenda, session: await sessionOf(db, agenda.meeting.id, user) };
}
