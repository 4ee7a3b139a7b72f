import { and, asc, count, eq, gt, inArray, lt, notInArray } from "drizzle-orm";

import type { Db } from "../../db/client";
import { cases, systems, type User } from "../../db/schema";
import { ATTENTION_STATUSES, CASE_STATUSES, FINISHED_STATUSES, type CaseStatus } from "../../machines/vocabulary";

type AttentionStatus = (typeof ATTENTION_STATUSES)[number];
const isAttentionStatus = (s: CaseStatus): s is AttentionStatus => (ATTENTION_STATUSES as readonly CaseStatus[]).includes(s);
import { casesInScope, scopeAs } from "~/access/scope.server";

/**
 * A requester's start page: the cases that wait for them (complete, report the outcome, review),
 * how many are open in each state, and the windows of the next two weeks — on the systems they
 * administer, in three queries.
 */
const UPCOMING_DAYS = 14;
const LIST_LIMIT = 20;
/** The open states in the order a case passes through them, for the counts. */
const OPEN_ORDER = CASE_STATUSES.filter((status) => !(FINISHED_STATUSES as readonly string[]).includes(status));
const openRank = (status: string) =>
  (OPEN_ORDER as readonly string[]).includes(status) ? (OPEN_ORDER as readonly string[]).indexOf(status) : OPEN_ORDER.length;

export async function requesterDashboard(db: Db, user: Pick<User, "id" | "role" | "organisationId">, now = new Date()) {
  // The cases on the systems they administer: "yours", whatever else another role of theirs sees.
  const scoped = casesInScope(await scopeAs(db, user, "requester"));
  const row = {
    number: cases.number,
    title: cases.title,
    status: cases.status,
    systemCode: systems.code,
    windowStart: cases.windowStart,
    windowEnd: cases.windowEnd,
  };
  const [attention, open, upcoming] = await Promise.all([
    db
      .select(row)
      .from(cases)
      .innerJoin(systems, eq(systems.id, cases.systemId))
      .where(and(scoped, inArray(cases.status, [...ATTENTION_STATUSES])))
      .orderBy(asc(cases.updatedAt), asc(cases.id))
      .limit(LIST_LIMIT),
    db
      .select({ status: cases.status, n: count() })
      .from(cases)
      .where(and(scoped, notInArray(cases.status, [...FINISHED_STATUSES])))
      .groupBy(cases.status),
    db
      .select(row)
      .from(cases)
      .innerJoin(systems, eq(systems.id, cases.systemId))
      .where(
        and(
          scoped,
          inArray(cases.status, ["approved", "window-open"]),
          gt(cases.windowEnd, now),
          lt(cases.windowStart, new Date(now.getTime() + UPCOMING_DAYS * 86_400_000)),
        ),
      )
      .orderBy(asc(cases.windowStart), asc(cases.id))
      .limit(LIST_LIMIT),
  ]);
  const shape = (r: (typeof attention)[number]) => ({
    number: r.number,
    title: r.title,
    status: r.status,
    systemCode: r.systemCode,
    window: r.windowStart && r.windowEnd ? { start: r.windowStart.toISOString(), end: r.windowEnd.toISOString() } : null,
  });
  return {
    // The query asked for these statuses only; the guard tells the type system so.
    attention: attention.flatMap((r) => (isAttentionStatus(r.status) ? [{ ...shape(r), status: r.status }] : [])),
    open: open
      .map((o) => ({ status: o.status, count: Number(o.n) }))
      .sort((a, b) => openRank(a.status) - openRank(b.status) || a.status.localeCompare(b.status)),
    upcoming: upcoming.map(shape),
    upcomingDays: UPCOMING_DAYS,
  };
}
