import { and, asc, eq, gte, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { rows, type Db } from "../../db/client";
import { substitutions, users, type User } from "../../db/schema";
import { addDays, isIsoDate, stockholmDate } from "../../machines/calendar";
import { audit } from "~/audit/audit.server";
import { WorkflowError } from "~/cases/errors";
import { hasRole } from "./roles";
import { holding } from "./roles.server";
import type { FieldErrors } from "~/ui/forms";

/**
 * Substitutes (DESIGN: roles): a system administrator or owner names a colleague who holds the
 * same role to stand in for them for a period (a holiday). While it lasts the substitute sees and
 * acts on the absent person's work as the person would: the systems they administer or own and
 * the cases they requested (the scope and the workflow's actor ask `actingFor`). What the
 * substitute does there is marked "on behalf of" the person in the trail and the messages, and
 * the person's segregation of duties is the substitute's too: a case the absent person requested
 * is theirs to the substitute as well — never decided on by them — and so is the substitute's own.
 */
export const SUBSTITUTE_MAX_DAYS = 366;

/** Who names substitutes: people whose work is their own (a system's administrator, its owner). */
export const namesSubstitutes = (user: Pick<User, "role" | "extraRoles">) => hasRole(user, "requester", "system-owner");

/** The people `userId` stands in for today (Stockholm's date), as a subquery of their ids. */
export function actingFor(userId: number | SQL): SQL {
  return sql`(select s.person_id from ${substitutions} s where s.substitute_id = ${userId} and s.ended_at is null
    and (now() at time zone 'Europe/Stockholm')::date between s.starts_on and s.ends_on)`;
}

/**
 * Names a substitute for a period. Refusals: 403 (not a system administrator or owner), 422 at the
 * field (not a colleague with the same role, a date that is not one, a start in the past, an end
 * before the start, longer than a year).
 */
export async function nameSubstitute(
  db: Db,
  person: User,
  input: { substituteId: number | undefined; startsOn: string; endsOn: string },
  now = new Date(),
): Promise<number> {
  if (!namesSubstitutes(person)) throw new WorkflowError(403, "Only a system administrator or owner names a substitute.");
  const errors: FieldErrors = {};
  const [substitute] = input.substituteId ? await db.select().from(users).where(eq(users.id, input.substituteId)) : [];
  if (!substitute) errors.substituteId = { key: "validation.choose" };
  else if (substitute.id === person.id || substitute.status !== "active" || !hasRole(substitute, person.role))
    errors.substituteId = { key: "substitute.notColleague" };
  const today = stockholmDate(now);
  if (!isIsoDate(input.startsOn)) errors.startsOn = { key: "report.period.date" };
  else if (input.startsOn < today) errors.startsOn = { key: "substitute.past" };
  if (!isIsoDate(input.endsOn)) errors.endsOn = { key: "report.period.date" };
  else if (!errors.startsOn && input.endsOn < input.startsOn) errors.endsOn = { key: "report.period.order" };
  else if (!errors.startsOn && input.endsOn > addDays(input.startsOn, SUBSTITUTE_MAX_DAYS - 1))
    errors.endsOn = { key: "substitute.tooLong", params: { days: SUBSTITUTE_MAX_DAYS } };
  if (Object.keys(errors).length) throw new WorkflowError(422, "The substitute or the period is not valid.", errors);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(substitutions)
      .values({ personId: person.id, substituteId: substitute!.id, startsOn: input.startsOn, endsOn: input.endsOn })
      .returning({ id: substitutions.id });
    await audit(tx, {
      action: "substitute.named",
      actorUserId: person.id,
      subjectUserId: substitute!.id,
      detail: { substitutionId: row!.id, startsOn: input.startsOn, endsOn: input.endsOn },
    });
    return row!.id;
  });
}

/** Ends one of the person's substitutions now (404 for one that is not theirs or has ended). */
export async function endSubstitution(db: Db, person: User, id: number, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(substitutions)
      .set({ endedAt: now })
      .where(and(eq(substitutions.id, id), eq(substitutions.personId, person.id), isNull(substitutions.endedAt)))
      .returning();
    if (!row) throw new WorkflowError(404, "No such substitution.");
    await audit(tx, { action: "substitute.ended", actorUserId: person.id, subjectUserId: row.substituteId, detail: { substitutionId: id } });
  });
}

const other = alias(users, "substitution_other");

/** The person's substitutes that have not ended or run out, and whom they stand in for: the settings page. */
export async function substitutionsOf(db: Db, user: User, now = new Date()) {
  const today = stockholmDate(now);
  const columns = { id: substitutions.id, name: other.name, startsOn: substitutions.startsOn, endsOn: substitutions.endsOn };
  const current = and(isNull(substitutions.endedAt), gte(substitutions.endsOn, today));
  const [mine, standingIn, colleagues] = await Promise.all([
    db
      .select(columns)
      .from(substitutions)
      .innerJoin(other, eq(other.id, substitutions.substituteId))
      .where(and(eq(substitutions.personId, user.id), current))
      .orderBy(asc(substitutions.startsOn)),
    db
      .select(columns)
      .from(substitutions)
      .innerJoin(other, eq(other.id, substitutions.personId))
      .where(and(eq(substitutions.substituteId, user.id), current))
      .orderBy(asc(substitutions.startsOn)),
    namesSubstitutes(user)
      ? db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(and(eq(users.status, "active"), sql`${users.id} <> ${user.id}`, holding(user.role)))
          .orderBy(asc(users.name))
      : [],
  ]);
  return { mine, standingIn, colleagues, names: namesSubstitutes(user) };
}

/**
 * Whom the user acts for on case `caseId`, if they act there only as a substitute (no relation of
 * their own to it): the absent person's name, for the trail's and the messages' "on behalf of".
 */
export async function onBehalfOf(db: Db, userId: number, caseId: number): Promise<string | null> {
  const related = (who: SQL) => sql`(c.requester_id = ${who}
    or exists (select 1 from system_administrators a where a.system_id = c.system_id and a.user_id = ${who})
    or exists (select 1 from systems s where s.id = c.system_id and s.owner_user_id = ${who}))`;
  const [row] = await rows<{ name: string | null }>(
    db.execute(sql`select (select u.name from ${users} u where u.id in ${actingFor(userId)} and ${related(sql`u.id`)}
      order by u.id limit 1) as name
    from cases c where c.id = ${caseId} and not ${related(sql`${userId}`)}`),
  );
  return row?.name ?? null;
}
