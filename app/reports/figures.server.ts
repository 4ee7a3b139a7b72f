import { and, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { auditLog, cases, organisations, systems } from "../../db/schema";
import { addDays, earliestStart, isIsoDate, stockholmDate, stockholmMidnight } from "../../machines/calendar";
import type { Msg } from "~/i18n";
import { CAB_DECISIONS } from "../../machines/rules";
import { CHANGE_OUTCOMES } from "../../machines/vocabulary";
import { clocksOf } from "~/cases/sla.server";

/**
 * The service centre's reports (/reports): what went through the portal in a period, as tables a
 * chart, a CSV file and a test can all read. One home for every figure's definition:
 *
 * - a case counts in the period it was *submitted* in (drafts never count);
 * - a change's outcome is the one reported on it; its success rate is successful / reported;
 * - a request met its lead time if its window starts on or after the earliest start its type
 *   allows from its submission date (the portal refuses a late request at submission, so a late
 *   one is one resubmitted or re-proposed late); "returned" is a case the service centre returned;
 * - the board's decisions, windows' ends and extensions count in the period they happened in;
 *   an *overrun attempt* is an extension the service centre refused (the supplier wanted more time
 *   than was approved);
 * - an incident's SLA is its clocks' state now (machines/sla.ts): met, or breached;
 * - a system's conflicts are the other cases in the period whose windows overlap its cases' windows.
 */
export const FIGURES = ["monthly", "outcomes", "success", "emergencies", "leadTime", "cab", "windows", "extensions", "sla", "systems"] as const;
export type FigureKey = (typeof FIGURES)[number];
export const isFigure = (value: unknown): value is FigureKey => FIGURES.includes(value as FigureKey);

/** A row's label: a month (YYYY-MM), a text key's suffix (a type, an event, a priority) or a name. */
export type FigureRow = { label: string; values: number[] };
/** A figure: its series (columns after the label) and rows; `percent` marks the series that are shares (0–100). */
export type Figure = { key: FigureKey; series: string[]; rows: FigureRow[]; percent: string[] };

export type Period = { from: string; to: string };

/** The default period: the last twelve months, this one included (Stockholm dates, inclusive). */
export function defaultPeriod(now = new Date()): Period {
  const today = stockholmDate(now);
  const [y, m] = today.split("-").map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 12, 1));
  return { from: `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, "0")}-01`, to: today };
}

/** The months of a period, YYYY-MM. */
function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let [y, m] = period.from.split("-").map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (let guard = 0; guard < 121; guard += 1) {
    const month = `${y}-${String(m).padStart(2, "0")}`;
    months.push(month);
    if (month >= last) break;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return months;
}

const percent = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);
const median = (values: number[]) => {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const DAY = 86_400_000;
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

const WINDOW_ENDS = ["EXPIRE", "END", "REVOKE", "REFUSE_EXTENSION"] as const;
const EXTENSION_EVENTS = ["REQUEST_EXTENSION", "APPROVE_EXTENSION", "REFUSE_EXTENSION"] as const;
const TYPES = ["simple-change", "advanced-change", "emergency", "standing-access"] as const;

/** Every figure for the period (Stockholm dates, inclusive). */
export async function reportFor(db: Db, period: Period, now = new Date()): Promise<Figure[]> {
  const start = stockholmMidnight(period.from);
  const end = stockholmMidnight(addDays(period.to, 1));
  const rows = await db
    .select({
      id: cases.id,
      type: cases.type,
      priority: cases.priority,
      systemId: cases.systemId,
      submittedAt: cases.submittedAt,
      windowStart: cases.windowStart,
      windowEnd: cases.windowEnd,
      outcome: sql<string | null>`${cases.state}->'context'->>'outcome'`,
    })
    .from(cases)
    .where(and(isNotNull(cases.submittedAt), gte(cases.submittedAt, start), lt(cases.submittedAt, end)));
  // Each case's Stockholm month once: the figures below ask it per month and type, and a time
  // zone's calendar date is not cheap (a year's cases × 12 months × 4 types took over a second).
  const submitted = rows.map((c) => ({ ...c, month: stockholmDate(c.submittedAt!).slice(0, 7) }));
  const inMonth = new Map<string, typeof submitted>();
  for (const c of submitted) {
    const month = inMonth.get(c.month);
    if (month) month.push(c);
    else inMonth.set(c.month, [c]);
  }
  const of = (month: string) => inMonth.get(month) ?? [];
  const events = await db
    .select({ caseId: auditLog.caseId, event: auditLog.event, at: auditLog.at, supplier: organisations.name })
    .from(auditLog)
    .innerJoin(cases, eq(cases.id, auditLog.caseId))
    .leftJoin(organisations, eq(organisations.id, cases.supplierId))
    .where(and(gte(auditLog.at, start), lt(auditLog.at, end), inArray(auditLog.event, [...CAB_DECISIONS, ...WINDOW_ENDS, ...EXTENSION_EVENTS, "RETURN"])));
  const months = monthsOf(period);
  const count = <T>(items: T[], test: (item: T) => boolean) => items.filter(test).length;
  const changes = submitted.filter((c) => c.type === "simple-change" || c.type === "advanced-change");

  const monthly: Figure = {
    key: "monthly",
    series: [...TYPES],
    percent: [],
    rows: months.map((month) => ({ label: month, values: TYPES.map((type) => count(of(month), (c) => c.type === type)) })),
  };
  const outcomes: Figure = {
    key: "outcomes",
    series: [...CHANGE_OUTCOMES],
    percent: [],
    rows: months.map((month) => ({
      label: month,
      values: CHANGE_OUTCOMES.map((o) => count(of(month), (c) => (c.type === "simple-change" || c.type === "advanced-change") && c.outcome === o)),
    })),
  };
  const successRow = (label: string, of: typeof changes) => {
    const reported = count(of, (c) => c.outcome !== null);
    const successful = count(of, (c) => c.outcome === "successful");
    return { label, values: [reported, successful, percent(successful, reported)] };
  };
  const success: Figure = {
    key: "success",
    series: ["reported", "successful", "rate"],
    percent: ["rate"],
    rows: [
      successRow(
        "simple-change",
        changes.filter((c) => c.type === "simple-change"),
      ),
      successRow(
        "advanced-change",
        changes.filter((c) => c.type === "advanced-change"),
      ),
      successRow("all", changes),
    ],
  };
  const emergencies: Figure = {
    key: "emergencies",
    series: ["all", "emergency", "share"],
    percent: ["share"],
    rows: months.map((month) => {
      const all = of(month).length;
      const urgent = count(of(month), (c) => c.type === "emergency");
      return { label: month, values: [all, urgent, percent(urgent, all)] };
    }),
  };
  const returned = new Set(events.filter((e) => e.event === "RETURN").map((e) => e.caseId));
  const leadTime: Figure = {
    key: "leadTime",
    series: ["submitted", "met", "late", "returned", "metShare"],
    percent: ["metShare"],
    rows: (["simple-change", "advanced-change"] as const).map((type) => {
      const of = changes.filter((c) => c.type === type && c.windowStart);
      const met = count(of, (c) => stockholmDate(c.windowStart!) >= earliestStart(type, stockholmDate(c.submittedAt!)));
      return { label: type, values: [of.length, met, of.length - met, count(of, (c) => returned.has(c.id)), percent(met, of.length)] };
    }),
  };
  const submittedAt = new Map(submitted.map((c) => [c.id, c.submittedAt!]));
  const cabEvents = events.filter((e) => (CAB_DECISIONS as readonly string[]).includes(e.event ?? ""));
  const cab: Figure = {
    key: "cab",
    series: ["decisions", "medianDays"],
    percent: [],
    rows: CAB_DECISIONS.map((decision) => {
      const of = cabEvents.filter((e) => e.event === decision);
      const days = of.flatMap((e) => {
        const at = submittedAt.get(e.caseId!);
        return at ? [(e.at.getTime() - at.getTime()) / DAY] : [];
      });
      return { label: decision, values: [of.length, oneDecimal(median(days))] };
    }),
  };
  const windows: Figure = {
    key: "windows",
    series: ["count"],
    percent: [],
    rows: WINDOW_ENDS.map((event) => ({ label: event, values: [count(events, (e) => e.event === event)] })),
  };
  const suppliers = [...new Set(events.filter((e) => e.event === "REQUEST_EXTENSION").map((e) => e.supplier ?? ""))].sort((a, b) => a.localeCompare(b, "sv"));
  const extensions: Figure = {
    key: "extensions",
    series: ["requested", "approved", "refused"],
    percent: [],
    rows: suppliers.map((supplier) => ({
      label: supplier,
      values: EXTENSION_EVENTS.map((event) => count(events, (e) => e.event === event && (e.supplier ?? "") === supplier)),
    })),
  };
  const incidents = submitted.filter((c) => c.type === "emergency" && c.priority !== null);
  const clocks = await clocksOf(db, incidents, now);
  const sla: Figure = {
    key: "sla",
    series: ["incidents", "responseMet", "resolutionMet", "responseShare", "resolutionShare"],
    percent: ["responseShare", "resolutionShare"],
    rows: [1, 2, 3, 4].map((priority) => {
      const of = incidents.filter((c) => c.priority === priority);
      const met = (clock: "response" | "resolution") => count(of, (c) => clocks.get(c.id)?.[clock].state === "met");
      return {
        label: String(priority),
        values: [of.length, met("response"), met("resolution"), percent(met("response"), of.length), percent(met("resolution"), of.length)],
      };
    }),
  };
  return [monthly, outcomes, success, emergencies, leadTime, cab, windows, extensions, sla, await topSystems(db, start, end)];
}

/** The ten systems with the most cases submitted in the period, and how many other cases' windows overlapped theirs. */
async function topSystems(db: Db, start: Date, end: Date): Promise<Figure> {
  const other = alias(cases, "other_case");
  const rows = await db
    .select({
      name: systems.name,
      changes: sql<number>`count(distinct ${cases.id})::int`,
      conflicts: sql<number>`count(distinct ${other.id})::int`,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(
      other,
      and(
        sql`${other.id} <> ${cases.id}`,
        eq(other.systemId, cases.systemId),
        isNotNull(other.submittedAt),
        sql`${other.status} not in ('cancelled', 'rejected', 'refused')`,
        sql`${other.windowStart} < ${cases.windowEnd} and ${cases.windowStart} < ${other.windowEnd}`,
      ),
    )
    .where(and(isNotNull(cases.submittedAt), gte(cases.submittedAt, start), lt(cases.submittedAt, end)))
    .groupBy(systems.id, systems.name)
    .orderBy(sql`count(distinct ${cases.id}) desc`, systems.name)
    .limit(10);
  return { key: "systems", series: ["cases", "conflicts"], percent: [], rows: rows.map((r) => ({ label: r.name, values: [r.changes, r.conflicts] })) };
}

/** A period from an address (`?from=&to=`, Stockholm dates, inclusive): at most five years, `from` not after `to`. */
export function periodFrom(url: URL, now = new Date()): { period: Period; errors: Partial<Record<"from" | "to", Msg>> } {
  const fallback = defaultPeriod(now);
  const from = url.searchParams.get("from")?.trim() || fallback.from;
  const to = url.searchParams.get("to")?.trim() || fallback.to;
  const errors: Partial<Record<"from" | "to", Msg>> = {};
  if (!isIsoDate(from)) errors.from = { key: "report.period.date" };
  if (!isIsoDate(to)) errors.to = { key: "report.period.date" };
  if (!errors.from && !errors.to) {
    if (from > to) errors.to = { key: "report.period.order" };
    else if (Date.parse(to) - Date.parse(from) > 5 * 366 * DAY) errors.to = { key: "report.period.tooLong" };
  }
  return { period: { from, to }, errors };
}
