import { sql } from "drizzle-orm";

import { rows as rowsOf, type Db } from "../../db/client";

/**
 * Conflicts of a case's window (DESIGN "Conflicts"): another window that overlaps it in time on
 * the same system or on a system connected to it in the dependency graph — either direction, any
 * number of steps — and any blackout period ("frysperiod") for the system or for all systems.
 * Windows that touch (one ends as the other starts) do not overlap. Done in PostgreSQL: the graph
 * with a recursive CTE, the overlap with `tstzrange &&` on a GiST index (migration 0004).
 */
export const ACTIVE_STATUSES = ["submitted", "in-review", "awaiting-cab", "approved", "window-open"] as const;

export type Conflict = {
  number: string | null;
  systemCode: string | null;
  start: Date;
  end: Date;
  relation: "same" | "depends-on" | "dependency-of" | "blackout";
  path: string[];
  reason?: string;
};

type Row = { number: string | null; system_code: string | null; start: string | Date; end: string | Date; relation: Conflict["relation"]; path: string[]; reason: string | null };

/** Conflicts of the window `range` on system `systemId`, leaving out case `excludeCaseId`. */
export async function conflictsFor(db: Db, systemId: number, range: { start: Date; end: Date }, excludeCaseId: number | null = null): Promise<Conflict[]> {
  const start = range.start.toISOString();
  const end = range.end.toISOString();
  const found = await rowsOf<Row>(
    db.execute(sql`
      with recursive
      -- systems the case's system depends on, transitively, with the shortest path found
      down(system_id, path) as (
        select ${systemId}::int, array[${systemId}::int]
        union
        select sd.depends_on_id, down.path || sd.depends_on_id
        from down join system_dependencies sd on sd.system_id = down.system_id
        where not sd.depends_on_id = any(down.path) and cardinality(down.path) < 64
      ),
      -- systems that depend on the case's system, transitively
      up(system_id, path) as (
        select ${systemId}::int, array[${systemId}::int]
        union
        select sd.system_id, up.path || sd.system_id
        from up join system_dependencies sd on sd.depends_on_id = up.system_id
        where not sd.system_id = any(up.path) and cardinality(up.path) < 64
      ),
      related as (
        select distinct on (system_id) system_id, relation, path from (
          select system_id, case when system_id = ${systemId} then 'same' else 'depends-on' end as relation, path from down
          union all
          select system_id, 'dependency-of', path from up where system_id <> ${systemId}
        ) r
        order by system_id, cardinality(path), relation desc
      )
      select c.number, s.code as system_code, c.window_start as start, c.window_end as "end", r.relation,
             array(select code from systems p join unnest(r.path) with ordinality u(id, n) on p.id = u.id order by u.n) as path,
             null::text as reason
      from related r
      join cases c on c.system_id = r.system_id
        and c.window_start is not null and c.window_end is not null
        and tstzrange(c.window_start, c.window_end, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
        and c.status in (${sql.join(ACTIVE_STATUSES.map((s) => sql`${s}`), sql`, `)})
        and (${excludeCaseId}::int is null or c.id <> ${excludeCaseId}::int)
      join systems s on s.id = c.system_id
      union all
      select null, s.code, b.starts_at, b.ends_at, 'blackout', array(select code from systems where id = ${systemId}), b.reason
      from blackout_periods b
      left join systems s on s.id = b.system_id
      where (b.system_id is null or b.system_id = ${systemId})
        and tstzrange(b.starts_at, b.ends_at, '[)') && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
      order by 3, 1 nulls first
    `),
  );
  return found.map((r) => ({
    number: r.number,
    systemCode: r.system_code,
    start: new Date(r.start),
    end: new Date(r.end),
    relation: r.relation,
    path: r.path,
    ...(r.reason ? { reason: r.reason } : {}),
  }));
}

/** Conflicts of a stored case's window (none when it has no window). */
export async function conflictsOf(db: Db, caseId: number): Promise<Conflict[]> {
  const [c] = await rowsOf<{ system_id: number; window_start: string | Date | null; window_end: string | Date | null }>(
    db.execute(sql`select system_id, window_start, window_end from cases where id = ${caseId}`),
  );
  if (!c?.window_start || !c.window_end) return [];
  return conflictsFor(db, c.system_id, { start: new Date(c.window_start), end: new Date(c.window_end) }, caseId);
}

/** Conflicts as the API and the pages show them. */
export function conflictRows(found: Conflict[]) {
  return found.map((c) => ({
    number: c.number,
    system: c.systemCode,
    systemCode: c.systemCode,
    window: { start: c.start.toISOString(), end: c.end.toISOString() },
    start: c.start.toISOString(),
    end: c.end.toISOString(),
    relation: c.relation,
    path: c.path,
    ...(c.reason ? { reason: c.reason } : {}),
  }));
}
