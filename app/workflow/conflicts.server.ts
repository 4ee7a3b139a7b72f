import { sql } from "drizzle-orm";

import { rows as rowsOf, type Db } from "../../db/client";

/**
 * Windows that overlap a case's window on the same system or on a system connected to it in the
 * dependency graph (either direction, any number of steps). Statuses that still hold a window:
 * submitted, in review, awaiting CAB, approved, open.
 */
export const ACTIVE_STATUSES = ["submitted", "in-review", "awaiting-cab", "approved", "window-open"] as const;

export type Conflict = {
  number: string;
  systemCode: string;
  start: Date;
  end: Date;
  relation: "same" | "depends-on" | "dependency-of";
  path: string[];
};

export async function conflictsOf(db: Db, caseId: number): Promise<Conflict[]> {
  const rows = await rowsOf<{
    number: string;
    system_code: string;
    start: string | Date;
    end: string | Date;
    relation: Conflict["relation"];
    path: string[];
  }>(db.execute(sql`
    with recursive
    me as (select id, system_id, window_start, window_end from cases where id = ${caseId}),
    -- systems this case's system depends on, transitively
    down(system_id, path) as (
      select sd.depends_on_id, array[(select code from systems where id = me.system_id), (select code from systems where id = sd.depends_on_id)]
      from me join system_dependencies sd on sd.system_id = me.system_id
      union
      select sd.depends_on_id, down.path || (select code from systems where id = sd.depends_on_id)
      from down join system_dependencies sd on sd.system_id = down.system_id
      where cardinality(down.path) < 32 and not (select code from systems where id = sd.depends_on_id) = any(down.path)
    ),
    -- systems that depend on this case's system, transitively
    up(system_id, path) as (
      select sd.system_id, array[(select code from systems where id = me.system_id), (select code from systems where id = sd.system_id)]
      from me join system_dependencies sd on sd.depends_on_id = me.system_id
      union
      select sd.system_id, up.path || (select code from systems where id = sd.system_id)
      from up join system_dependencies sd on sd.depends_on_id = up.system_id
      where cardinality(up.path) < 32 and not (select code from systems where id = sd.system_id) = any(up.path)
    ),
    related(system_id, relation, path) as (
      select me.system_id, 'same', array[(select code from systems where id = me.system_id)] from me
      union all select system_id, 'depends-on', path from down
      union all select system_id, 'dependency-of', path from up
    ),
    shortest as (
      select distinct on (system_id) system_id, relation, path from related order by system_id, cardinality(path)
    )
    select c.number, s.code as system_code, c.window_start as start, c.window_end as "end", sh.relation, sh.path
    from me
    join cases c on c.id <> me.id
      and c.status in (${sql.join(ACTIVE_STATUSES.map((s) => sql`${s}`), sql`, `)})
      and c.window_start < me.window_end and me.window_start < c.window_end
    join shortest sh on sh.system_id = c.system_id
    join systems s on s.id = c.system_id
    order by c.window_start, c.number
  `));
  return rows.map((r) => ({
    number: r.number,
    systemCode: r.system_code,
    start: new Date(r.start),
    end: new Date(r.end),
    relation: r.relation,
    path: r.path,
  }));
}

/** Conflicts of a case by number, as JSON-friendly rows. */
export function conflictRows(found: Conflict[]) {
  return found.map((c) => ({ ...c, start: c.start.toISOString(), end: c.end.toISOString() }));
}
