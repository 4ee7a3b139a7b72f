import { eq, sql, type SQL } from "drizzle-orm";

import { rows as rowsOf, type Db } from "../../db/client";
import { cases, systems, type User } from "../../db/schema";
import { inScope, scopeOf } from "~/access/scope.server";
import { ACTIVE_STATUSES } from "../../machines/vocabulary";

/**
 * Conflicts (DESIGN "Conflicts"): another window that overlaps in time on the same system or on a
 * system connected to it in the dependency graph — either direction, any number of steps — and
 * any blackout period ("frysperiod") for the system or for all systems. Windows that touch (one
 * ends as the other starts) do not overlap. Only active cases count (ACTIVE_STATUSES).
 *
 * The rule is written once, as two SQL fragments every conflict question uses: `relatedSystems`
 * (the dependency closure of some root systems, a recursive CTE whose `union` ends cycles) and
 * `activeOverlap` (an active case's window overlapping a range, on the partial GiST index of
 * active windows, migration 0009). `conflictsFor` asks it for one window and names each conflict;
 * the schedule (schedule.server.ts) asks it for a page of windows at once and only flags them.
 */

/** One conflict, as the case page, the CAB's agenda and the API (`GET /api/v1/cases/:number/conflicts`) show it. */
export type Conflict = {
  /** The other case's number (null for a blackout). */
  number: string | null;
  /** The other window's system code (null for a blackout for all systems). */
  system: string | null;
  window: { start: string; end: string };
  relation: "same" | "depends-on" | "dependency-of" | "blackout";
  /** The shortest chain of system codes from this window's system to the other's. */
  path: string[];
  /** A blackout's reason. */
  reason?: string;
  /** A blackout on `system` and every system connected to it. */
  closure?: true;
};

/**
 * A CTE (to follow `with recursive`) naming `related(root, system_id)`: for each root system of
 * `roots` (a query of one column, `root`), itself and every system connected to it by
 * dependencies, in either direction, transitively.
 */
export function relatedSystems(roots: SQL): SQL {
  return sql`
    roots(root) as (${roots}),
    down(root, system_id) as (
      select root, root from roots
      union
      select down.root, sd.depends_on_id from down join system_dependencies sd on sd.system_id = down.system_id
    ),
    up(root, system_id) as (
      select root, root from roots
      union
      select up.root, sd.system_id from up join system_dependencies sd on sd.depends_on_id = up.system_id
    ),
    related(root, system_id) as (select root, system_id from down union select root, system_id from up)`;
}

/**
 * Whether freeze `b` (an alias of blackout_periods) covers system `system`: a freeze for all
 * systems, for that system, or for a system connected to it in the dependency graph when the
 * freeze covers its closure (the same closure as for conflicts, either way, any number of steps).
 */
export function freezeCovers(b: SQL, system: SQL): SQL {
  return sql`(${b}.system_id is null or ${b}.system_id = ${system} or (${b}.closure and ${system} in (
    with recursive
    down(id) as (select ${b}.system_id union select sd.depends_on_id from down join system_dependencies sd on sd.system_id = down.id),
    up(id) as (select ${b}.system_id union select sd.system_id from up join system_dependencies sd on sd.depends_on_id = up.id)
    select id from down union select id from up
  )))`;
}

/** Whether case `c` (an alias) is active with a window overlapping `range` (a tstzrange). */
export function activeOverlap(c: SQL, range: SQL): SQL {
  return sql`${c}.window_start is not null and ${c}.window_end is not null
    and ${c}.status in (${sql.join(
      ACTIVE_STATUSES.map((s) => sql`${s}`),
      sql`, `,
    )})
    and tstzrange(${c}.window_start, ${c}.window_end, '[)') && ${range}`;
}

type Row = {
  number: string | null;
  system_id: number | null;
  system_code: string | null;
  start: string | Date;
  end: string | Date;
  reason: string | null;
  closure: boolean | null;
};

/** Conflicts of the window `range` on system `systemId`, leaving out case `excludeCaseId`. */
export async function conflictsFor(db: Db, systemId: number, range: { start: Date; end: Date }, excludeCaseId: number | null = null): Promise<Conflict[]> {
  const window = sql`tstzrange(${range.start.toISOString()}::timestamptz, ${range.end.toISOString()}::timestamptz, '[)')`;
  const found = await rowsOf<Row>(
    db.execute(sql`
      with recursive ${relatedSystems(sql`select ${systemId}::int`)}
      select c.number, c.system_id, s.code as system_code, c.window_start as start, c.window_end as "end", null::text as reason, null::boolean as closure
      from (select distinct system_id from related) r
      join cases c on c.system_id = r.system_id and ${activeOverlap(sql`c`, window)}
        and (${excludeCaseId}::int is null or c.id <> ${excludeCaseId}::int)
      join systems s on s.id = c.system_id
      union all
      select null, b.system_id, s.code, b.starts_at, b.ends_at, b.reason, b.closure
      from blackout_periods b
      left join systems s on s.id = b.system_id
      where tstzrange(b.starts_at, b.ends_at, '[)') && ${window} and ${freezeCovers(sql`b`, sql`${systemId}::int`)}
      order by 4, 1 nulls first
    `),
  );
  if (!found.length) return [];
  const targets = found.flatMap((r) => (r.number && r.system_id !== null ? [r.system_id] : []));
  const paths = await pathsFrom(db, systemId, targets);
  const own = paths.get(systemId)?.path[0] ?? (await rowsOf<{ code: string }>(db.execute(sql`select code from systems where id = ${systemId}`)))[0]?.code ?? "";
  return found.map((r) => {
    const window = { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString() };
    if (!r.number)
      return {
        number: null,
        system: r.system_code,
        window,
        relation: "blackout" as const,
        path: [own],
        reason: r.reason ?? "",
        ...(r.closure ? { closure: true as const } : {}),
      };
    const { relation, path } = paths.get(r.system_id!)!;
    return { number: r.number, system: r.system_code, window, relation, path };
  });
}

/**
 * For each target system, the shortest dependency chain from `root` to it and which way it runs:
 * `depends-on` (root depends on the target, through any number of steps), `dependency-of` (the
 * target depends on root), or `same`. When both ways are as short, `depends-on` is named.
 */
async function pathsFrom(db: Db, root: number, targets: number[]): Promise<Map<number, { relation: Conflict["relation"]; path: string[] }>> {
  if (!targets.length) return new Map();
  const edges = await rowsOf<{ system_id: number; depends_on_id: number }>(db.execute(sql`select system_id, depends_on_id from system_dependencies`));
  const bfs = (forward: boolean) => {
    const previous = new Map<number, number | null>([[root, null]]);
    const queue = [root];
    const next = new Map<number, number[]>();
    for (const e of edges) {
      const [from, to] = forward ? [e.system_id, e.depends_on_id] : [e.depends_on_id, e.system_id];
      next.set(from, [...(next.get(from) ?? []), to]);
    }
    while (queue.length) {
      const at = queue.shift()!;
      for (const to of next.get(at) ?? []) {
        if (previous.has(to)) continue;
        previous.set(to, at);
        queue.push(to);
      }
    }
    const chain = (target: number) => {
      if (!previous.has(target)) return undefined;
      const ids: number[] = [];
      for (let at: number | null | undefined = target; at !== null && at !== undefined; at = previous.get(at)) ids.unshift(at);
      return ids;
    };
    return chain;
  };
  const down = bfs(true);
  const up = bfs(false);
  const chosen = new Map<number, { relation: Conflict["relation"]; ids: number[] }>();
  for (const target of new Set(targets)) {
    if (target === root) {
      chosen.set(target, { relation: "same", ids: [root] });
      continue;
    }
    const viaDown = down(target);
    const viaUp = up(target);
    chosen.set(
      target,
      viaDown && (!viaUp || viaDown.length <= viaUp.length) ? { relation: "depends-on", ids: viaDown } : { relation: "dependency-of", ids: viaUp! },
    );
  }
  const ids = [...new Set([...chosen.values()].flatMap((c) => c.ids))];
  const codes = new Map(
    (
      await rowsOf<{ id: number; code: string }>(
        db.execute(
          sql`select id, code from systems where id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        ),
      )
    ).map((r) => [Number(r.id), r.code]),
  );
  return new Map([...chosen].map(([target, c]) => [target, { relation: c.relation, path: c.ids.map((id) => codes.get(id) ?? String(id)) }]));
}

/** How many of the conflicts are freezes ("frysperioder"): passing those needs the override (machines/rules.ts `freezeProblems`). */
export const freezeCount = (conflicts: readonly Pick<Conflict, "relation">[]): number => conflicts.filter((c) => c.relation === "blackout").length;

/** Conflicts of a stored case's window (none when it has no window). */
export async function conflictsOf(db: Db, caseId: number): Promise<Conflict[]> {
  const [c] = await rowsOf<{ system_id: number; window_start: string | Date | null; window_end: string | Date | null }>(
    db.execute(sql`select system_id, window_start, window_end from cases where id = ${caseId}`),
  );
  if (!c?.window_start || !c.window_end) return [];
  return conflictsFor(db, c.system_id, { start: new Date(c.window_start), end: new Date(c.window_end) }, caseId);
}

/**
 * How many conflicts each of these cases' windows meets — `conflictsOf(db, id).length` for each,
 * in one statement: a list (the service centre's queue) shows the count, not the conflicts, and
 * one check a case was one round trip and one recursive walk a case. A case without a window is
 * left out (none).
 */
export async function conflictCounts(db: Db, caseIds: readonly number[]): Promise<Map<number, number>> {
  if (!caseIds.length) return new Map();
  const ids = sql.join(
    caseIds.map((id) => sql`${id}::int`),
    sql`, `,
  );
  const range = sql`tstzrange(q.window_start, q.window_end, '[)')`;
  const rows = await rowsOf<{ id: number; n: number | string }>(
    db.execute(sql`
      with recursive ${relatedSystems(sql`select distinct system_id from cases where id in (${ids}) and window_start is not null and window_end is not null`)}
      select q.id,
        (select count(*) from related r
          join cases c on c.system_id = r.system_id and ${activeOverlap(sql`c`, range)} and c.id <> q.id
          where r.root = q.system_id)
        + (select count(*) from blackout_periods b
          where tstzrange(b.starts_at, b.ends_at, '[)') && ${range} and ${freezeCovers(sql`b`, sql`q.system_id`)}) as n
      from cases q where q.id in (${ids}) and q.window_start is not null and q.window_end is not null
    `),
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
}

/**
 * The conflicts of case `number` as `user` may see them: 404 outside their scope, none for a case
 * without a window. Reads only what the check needs — the case's system, supplier (for the scope)
 * and window — not the case's whole view.
 */
export async function conflictsOfCase(db: Db, user: Pick<User, "id" | "role" | "organisationId">, number: string): Promise<Conflict[] | undefined> {
  // A NUL (from an address) names no case, and PostgreSQL refuses it in a query.
  const [c] = number.includes("\0")
    ? []
    : await db
        .select({ id: cases.id, systemId: cases.systemId, supplierId: cases.supplierId, windowStart: cases.windowStart, windowEnd: cases.windowEnd })
        .from(cases)
        .where(eq(cases.number, number));
  if (!c || !inScope(await scopeOf(db, user), c)) return undefined;
  return c.windowStart && c.windowEnd ? conflictsFor(db, c.systemId, { start: c.windowStart, end: c.windowEnd }, c.id) : [];
}

/**
 * The conflicts a window on system `systemCode` would meet, before it is stored: the request form
 * asks while the requester types (`GET /api/v1/conflicts`), and the edit form names its own case
 * (`exclude`) so the case does not conflict with itself. The same `conflictsFor` the service
 * centre and the CAB see. Undefined for a system outside the person's scope (as for a case).
 */
export async function conflictsOfWindow(
  db: Db,
  user: Pick<User, "id" | "role" | "organisationId">,
  ask: { systemCode: string; window: { start: Date; end: Date }; exclude?: string },
): Promise<Conflict[] | undefined> {
  const scope = await scopeOf(db, user);
  const [system] = await db.select({ id: systems.id, supplierId: systems.supplierId }).from(systems).where(eq(systems.code, ask.systemCode));
  if (!system || !inScope(scope, { systemId: system.id, supplierId: system.supplierId })) return undefined;
  const [own] =
    ask.exclude && !ask.exclude.includes("\0")
      ? await db.select({ id: cases.id, systemId: cases.systemId, supplierId: cases.supplierId }).from(cases).where(eq(cases.number, ask.exclude))
      : [];
  return conflictsFor(db, system.id, ask.window, own && inScope(scope, own) ? own.id : null);
}
