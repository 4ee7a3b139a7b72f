import { and, asc, count, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";

import type { Db } from "../../db/client";
import { containing } from "../../db/like";
import { cases, systems, type User } from "../../db/schema";
import { isCaseStatus, type CaseType } from "../../machines";
import { addDays, isIsoDate, stockholmMidnight } from "../../machines/calendar";
import { casesInScope, scopeOf, type Scope } from "~/access/scope.server";

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

/** The most cases a list's CSV holds (its first EXPORT_MAX rows, in the list's order). */
export const EXPORT_MAX = 10_000;

/**
 * The cases the user may see, filtered and paginated. With `countUpTo` the total is counted only
 * that far (and always past the page after this one), so a large scope is not counted whole on
 * every page load; `totalIsAtLeast` then says the total is a lower bound.
 */
export async function listCases(db: Db, user: User, filters: CaseFilters = {}, options: { countUpTo?: number; all?: boolean } = {}) {
  const scope: Scope = await scopeOf(db, user);
  // Filters come from query strings: one with a NUL matches nothing (PostgreSQL refuses it in a query).
  const impossible = [filters.status, filters.type, filters.system, filters.q].some((v) => v?.includes("\0"));
  const conditions: (SQL | undefined)[] = [
    impossible ? sql`false` : undefined,
    casesInScope(scope),
    // A status that is not one of ours matches nothing.
    filters.status && !impossible ? (isCaseStatus(filters.status) ? eq(cases.status, filters.status) : sql`false`) : undefined,
    filters.type && !impossible ? eq(cases.type, filters.type as CaseType) : undefined,
    // By the system's id, so that counting needs no join.
    filters.system && !impossible
      ? inArray(cases.systemId, db.select({ id: systems.id }).from(systems).where(eq(systems.code, filters.system.toUpperCase())))
      : undefined,
    filters.q && !impossible ? or(ilike(cases.number, containing(filters.q)), ilike(cases.title, containing(filters.q))) : undefined,
    ...windowRange(filters.from, filters.to),
  ];
  const where = and(...conditions);
  // `all`: every case the filters show, for a download (at most EXPORT_MAX), in the list's order.
  const pageSize = options.all ? EXPORT_MAX : Math.min(Math.max(filters.pageSize ?? 25, 1), 100);
  const page = options.all ? 1 : Math.max(filters.page ?? 1, 1);
  const order =
    filters.sort === "window"
      ? [asc(cases.windowStart), asc(cases.id)]
      : filters.sort === "number"
        ? [desc(cases.id)]
        : [desc(cases.updatedAt), desc(cases.id)];
  const cap = options.countUpTo === undefined ? undefined : Math.max(options.countUpTo, (page + 1) * pageSize);
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
    cap === undefined
      ? db.select({ n: count() }).from(cases).where(where)
      : db.select({ n: count() }).from(
          db
            .select({ one: sql`1` })
            .from(cases)
            .where(where)
            .limit(cap + 1)
            .as("counted"),
        ),
  ]);
  const counted = total?.n ?? 0;
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
    total: Math.min(counted, cap ?? counted),
    ...(cap === undefined ? {} : { totalIsAtLeast: counted > cap }),
  };
}
