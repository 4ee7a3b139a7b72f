import { sql, type SQL } from "drizzle-orm";

import { rows as rowsOf, type Db } from "../../db/client";
import type { CaseTypeName, User } from "../../db/schema";
import { scopeOf, scopeWhere, type Scope } from "~/access/scope.server";
import { visibleSystems } from "~/admin/systems.server";
import { audienceOf, conflictsFor } from "~/access/redaction";
import { addDays, isIsoDate, stockholmDate, stockholmMidnight } from "../../machines/calendar";
import { isoWeekday } from "../../machines/time";
import { caseStatusOf, SCHEDULE_STATES, SCHEDULE_STATUSES, scheduleStateOf, type CaseStatus, type ScheduleState } from "../../machines/vocabulary";
import { activeOverlap, freezeCovers, relatedSystems } from "./conflicts.server";

/**
 * The forward schedule of changes ("ändringskalender"): every window that is planned, running or
 * has run — not drafts, returned, rejected or cancelled cases — within the viewer's scope, by
 * system, with the blackout periods ("frysperioder") over the same range.
 *
 * Conflict flags are computed in the same query as the windows, with the conflict rule's own
 * fragments (conflicts.server.ts: `relatedSystems`, `activeOverlap`): the dependency closure once
 * per distinct system on the page, and the page's windows joined once with the active windows on
 * their related systems — one query for the page, instead of one `conflictsOf` per window (a
 * month of a busy municipality: hundreds). Blackouts are not flags: the grid shows them as periods
 * of their own. Windows outside the viewer's scope do count (only the flag is revealed, never the
 * other case); a supplier sees no flags at all (app/access/redaction.ts).
 */
export { SCHEDULE_STATES, scheduleStateOf, type ScheduleState };

export type ScheduleWindow = {
  number: string;
  title: string;
  type: CaseTypeName;
  status: CaseStatus;
  state: ScheduleState;
  start: Date;
  end: Date;
  systemId: number;
  systemCode: string;
  systemName: string;
  supplierName: string | null;
  /** Null for an audience that does not see conflicts (app/access/redaction.ts). */
  conflict: boolean | null;
  /** Approved into a freeze on the service centre's override (null as for conflicts). */
  freezeOverride: boolean | null;
};

export type ScheduleBlackout = {
  id: number;
  /** Null: every system. */
  systemId: number | null;
  systemCode: string | null;
  start: Date;
  end: Date;
  reason: string;
};

export type ScheduleRow = {
  system: { id: number; code: string; name: string };
  windows: ScheduleWindow[];
  /** Blackouts of this system only (the global ones are in `Schedule.globalBlackouts`). */
  blackouts: ScheduleBlackout[];
};

export type Schedule = {
  from: Date;
  to: Date;
  rows: ScheduleRow[];
  globalBlackouts: ScheduleBlackout[];
};

export type ScheduleFilters = {
  from: Date;
  to: Date;
  /** A system code. */
  system?: string;
  /** The supplier organisation doing the work. */
  supplierId?: number;
  type?: CaseTypeName;
};

const inList = (column: SQL, values: readonly (string | number)[]) =>
  values.length
    ? sql`${column} in (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`
    : sql`false`;

/** The scope in the raw queries below: on a case (`c`), and on a system (`s`) — whose rows and blackouts one sees. */
const caseScope = (scope: Scope) => scopeWhere(scope, { systemId: sql`c.system_id`, supplierId: sql`c.supplier_id` });
const systemScope = (scope: Scope) => scopeWhere(scope, { systemId: sql`s.id`, supplierId: sql`s.supplier_id` });

type WindowRow = {
  number: string;
  title: string;
  type: CaseTypeName;
  status: string;
  window_start: string | Date;
  window_end: string | Date;
  system_id: number;
  system_code: string;
  system_name: string;
  supplier_name: string | null;
  conflict: boolean;
  freeze_override: boolean | null;
};

type BlackoutRow = {
  id: number;
  system_id: number | null;
  system_code: string | null;
  system_name: string | null;
  starts_at: string | Date;
  ends_at: string | Date;
  reason: string;
};

/** The schedule `user` may see over [from, to). */
export async function scheduleOf(db: Db, user: Pick<User, "id" | "role" | "organisationId">, filters: ScheduleFilters): Promise<Schedule> {
  const scope = await scopeOf(db, user);
  const from = filters.from.toISOString();
  const to = filters.to.toISOString();
  const range = sql`tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`;
  const code = filters.system?.toUpperCase();

  const windowRows = await rowsOf<WindowRow>(
    db.execute(sql`
      with recursive
      shown as (
        select c.id, c.number, c.title, c.type, c.status, c.window_start, c.window_end, c.system_id,
               (c.state->'context'->>'freezeOverridden')::boolean as freeze_override,
               s.code as system_code, s.name as system_name, o.name as supplier_name
        from cases c
        join systems s on s.id = c.system_id
        left join organisations o on o.id = c.supplier_id
        where c.window_start is not null and c.window_end is not null
          and tstzrange(c.window_start, c.window_end, '[)') && ${range}
          and ${inList(sql`c.status`, SCHEDULE_STATUSES)}
          and ${caseScope(scope)}
          and (${code ?? null}::text is null or s.code = ${code ?? null}::text)
          and (${filters.supplierId ?? null}::int is null or c.supplier_id = ${filters.supplierId ?? null}::int)
          and (${filters.type ?? null}::text is null or c.type::text = ${filters.type ?? null}::text)
      ),
      ${relatedSystems(sql`select distinct system_id from shown`)},
      -- the shown windows that overlap an active window on a related system: one join for the page
      flagged as (
        select distinct shown.id
        from shown
        join related r on r.root = shown.system_id
        join cases o on o.system_id = r.system_id and o.id <> shown.id
          and ${activeOverlap(sql`o`, sql`tstzrange(shown.window_start, shown.window_end, '[)')`)}
        union
        -- and those a freeze covers: a freeze is a conflict too (conflictsFor names it)
        select shown.id
        from shown
        join blackout_periods b on tstzrange(b.starts_at, b.ends_at, '[)') && tstzrange(shown.window_start, shown.window_end, '[)')
          and ${freezeCovers(sql`b`, sql`shown.system_id`)}
      )
      select shown.number, shown.title, shown.type, shown.status, shown.window_start, shown.window_end,
             shown.system_id, shown.system_code, shown.system_name, shown.supplier_name,
             shown.id in (select id from flagged) as conflict, shown.freeze_override
      from shown
      order by shown.system_code, shown.window_start, shown.number
    `),
  );

  const blackoutRows = await rowsOf<BlackoutRow>(
    db.execute(sql`
      -- one row per freeze and system it covers (a closure freeze shades each of its systems); a freeze for all systems once, without one
      select b.id, s.id as system_id, s.code as system_code, s.name as system_name, b.starts_at, b.ends_at, b.reason
      from blackout_periods b
      left join systems s on b.system_id is not null and ${freezeCovers(sql`b`, sql`s.id`)}
      where tstzrange(b.starts_at, b.ends_at, '[)') && ${range}
        and (b.system_id is null or (
          ${systemScope(scope)}
          and (${code ?? null}::text is null or s.code = ${code ?? null}::text)
          and (${filters.supplierId ?? null}::int is null or s.supplier_id = ${filters.supplierId ?? null}::int)
        ))
      order by b.starts_at, b.id
    `),
  );

  const rows = new Map<number, ScheduleRow>();
  const rowFor = (system: ScheduleRow["system"]) => {
    let row = rows.get(system.id);
    if (!row) rows.set(system.id, (row = { system, windows: [], blackouts: [] }));
    return row;
  };
  // A filtered system gets its row even in an empty period.
  if (code) {
    const [system] = await rowsOf<{ id: number; code: string; name: string }>(
      db.execute(sql`select s.id, s.code, s.name from systems s where s.code = ${code} and ${systemScope(scope)}`),
    );
    if (system) rowFor(system);
  }
  for (const w of windowRows) {
    rowFor({ id: w.system_id, code: w.system_code, name: w.system_name }).windows.push({
      number: w.number,
      title: w.title,
      type: w.type,
      status: caseStatusOf(w.status),
      state: scheduleStateOf(w.status),
      start: new Date(w.window_start),
      end: new Date(w.window_end),
      systemId: w.system_id,
      systemCode: w.system_code,
      systemName: w.system_name,
      supplierName: w.supplier_name,
      conflict: conflictsFor(audienceOf(user), Boolean(w.conflict)),
      freezeOverride: conflictsFor(audienceOf(user), w.freeze_override === true),
    });
  }
  const globalBlackouts: ScheduleBlackout[] = [];
  for (const b of blackoutRows) {
    const blackout = { id: b.id, systemId: b.system_id, systemCode: b.system_code, start: new Date(b.starts_at), end: new Date(b.ends_at), reason: b.reason };
    if (b.system_id === null) globalBlackouts.push(blackout);
    else rowFor({ id: b.system_id, code: b.system_code!, name: b.system_name! }).blackouts.push(blackout);
  }
  return {
    from: filters.from,
    to: filters.to,
    rows: [...rows.values()].sort((a, b) => a.system.code.localeCompare(b.system.code)),
    globalBlackouts,
  };
}

// Ranges ------------------------------------------------------------------------------------------

export const SCHEDULE_VIEWS = ["week", "month"] as const;
export type ScheduleView = (typeof SCHEDULE_VIEWS)[number];

const DAY_MS = 86_400_000;

/** ISO 8601 week number of a date. */
export function isoWeek(date: string): number {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const jan1 = Date.parse(`${thursday.slice(0, 4)}-01-01T00:00:00Z`);
  return Math.floor((Date.parse(`${thursday}T00:00:00Z`) - jan1) / (7 * DAY_MS)) + 1;
}

export type ScheduleRange = {
  view: ScheduleView;
  /** The first day shown (a Monday, or the 1st). */
  start: string;
  /** Stockholm dates, one per column. */
  days: string[];
  from: Date;
  to: Date;
  previous: string;
  next: string;
};

/**
 * The week (Monday to Sunday) or the calendar month around `date`, in Stockholm: the instants
 * run from 00:00 on the first day to 00:00 after the last (a day is 23 or 25 hours at the DST
 * switches — the columns follow the wall clock).
 */
export function scheduleRange(view: ScheduleView, date: string = stockholmDate(new Date())): ScheduleRange {
  if (!isIsoDate(date)) date = stockholmDate(new Date());
  let start: string;
  let end: string;
  let previous: string;
  if (view === "week") {
    start = addDays(date, 1 - isoWeekday(date));
    end = addDays(start, 7);
    previous = addDays(start, -7);
  } else {
    start = `${date.slice(0, 8)}01`;
    end = `${addDays(start, 31).slice(0, 8)}01`;
    previous = `${addDays(start, -1).slice(0, 8)}01`;
  }
  const days: string[] = [];
  for (let day = start; day < end; day = addDays(day, 1)) days.push(day);
  return { view, start, days, from: stockholmMidnight(start), to: stockholmMidnight(end), previous, next: end };
}

// The grid ----------------------------------------------------------------------------------------

export type GridItem =
  | { kind: "window"; first: number; span: number; startsBefore: boolean; endsAfter: boolean; window: ScheduleWindow }
  | { kind: "blackout"; first: number; span: number; startsBefore: boolean; endsAfter: boolean; blackout: ScheduleBlackout };

/** One line of a system's row: items that do not share a day. */
export type GridLane = GridItem[];

/** Which columns (day indexes) [start, end) touches; undefined when it misses them all. */
function columnsOf(days: { from: Date; to: Date }[], start: Date, end: Date) {
  let first = -1;
  let last = -1;
  days.forEach((day, i) => {
    if (start < day.to && end > day.from) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return first < 0 ? undefined : { first, span: last - first + 1 };
}

/**
 * Lays a row's windows and blackouts out in lanes, first fit by first day: a window spanning
 * three days is one cell three columns wide, and two windows on the same day go on two lanes.
 */
export function lanesOf(range: ScheduleRange, windows: ScheduleWindow[], blackouts: ScheduleBlackout[]): GridLane[] {
  const days = range.days.map((d, i) => ({ from: stockholmMidnight(d), to: i + 1 < range.days.length ? stockholmMidnight(range.days[i + 1]!) : range.to }));
  const items: GridItem[] = [];
  for (const blackout of blackouts) {
    const at = columnsOf(days, blackout.start, blackout.end);
    if (at) items.push({ kind: "blackout", ...at, startsBefore: blackout.start < range.from, endsAfter: blackout.end > range.to, blackout });
  }
  for (const window of windows) {
    const at = columnsOf(days, window.start, window.end);
    if (at) items.push({ kind: "window", ...at, startsBefore: window.start < range.from, endsAfter: window.end > range.to, window });
  }
  const startOf = (item: GridItem) => (item.kind === "window" ? item.window.start : item.blackout.start).getTime();
  items.sort((a, b) => a.first - b.first || (a.kind === b.kind ? 0 : a.kind === "blackout" ? -1 : 1) || startOf(a) - startOf(b));
  const lanes: { end: number; items: GridItem[] }[] = [];
  for (const item of items) {
    const lane = lanes.find((l) => l.end < item.first);
    if (lane) {
      lane.items.push(item);
      lane.end = item.first + item.span - 1;
    } else {
      lanes.push({ end: item.first + item.span - 1, items: [item] });
    }
  }
  return lanes.map((l) => l.items);
}

/** For each column, whether a blackout covers any of the day. */
export function blackoutDays(range: ScheduleRange, blackouts: ScheduleBlackout[]): boolean[] {
  return range.days.map((d, i) => {
    const from = stockholmMidnight(d);
    const to = i + 1 < range.days.length ? stockholmMidnight(range.days[i + 1]!) : range.to;
    return blackouts.some((b) => b.start < to && b.end > from);
  });
}

// Filter choices ----------------------------------------------------------------------------------

/** The systems and suppliers the user may filter the schedule by (their scope's). */
export async function scheduleChoices(db: Db, user: Pick<User, "id" | "role" | "organisationId">) {
  const scope = await scopeOf(db, user);
  const systems = await visibleSystems(db, user);
  // A supplier sees only its own organisation's windows: no supplier filter to offer.
  const suppliers =
    scope.kind === "supplier"
      ? []
      : await rowsOf<{ id: number; name: string }>(
          db.execute(sql`
            select o.id, o.name from organisations o
            where o.kind = 'supplier'
              and (${scope.kind === "all"} or exists (select 1 from systems s where s.supplier_id = o.id and ${systemScope(scope)}))
            order by o.name`),
        );
  return { systems, suppliers };
}
