import { and, asc, count, desc, eq, gt, inArray, lt, lte, sql, type SQL } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, cases, systems, users, type User } from "../../db/schema";
import { extensionProblems, MAX_EXTENSION_HOURS } from "../../machines";
import type { FieldErrors } from "~/ui/forms";
import { stockholmLocalToIso } from "../../machines/time";
import { casesInScope, scopeOf, type Scope } from "~/access/scope.server";
import { applyEvent } from "./commands.server";
import { formErrors, WorkflowError } from "./errors";

/**
 * The supplier's own view of its organisation's access windows (cases with `supplier_id` = the
 * user's organisation): what is open now, what is coming and what closed lately, with what the
 * supplier needs to do the work — the system, the accounts, how to log in, the window and their
 * contact at the municipality. Only those columns are read: the case's risk notes, test and
 * rollback plans, impact, internal messages and audit reasons never leave the database here.
 */
const DAY_MS = 86_400_000;
/** "Past": windows closed in the last 30 days. */
export const PAST_DAYS = 30;
/** "Upcoming": windows starting in the next 90 days; the schedule shows the later ones. */
export const UPCOMING_DAYS = 90;
/** Upcoming and past show this many windows each, then a link to all of them. */
export const SECTION_SIZE = 10;
/** The supplier feed: 30 days back, 180 days ahead (as the schedule feed). */
export const FEED_DAYS_BACK = 30;
export const FEED_DAYS_AHEAD = 180;
export { MAX_EXTENSION_HOURS };

export type SupplierWindow = {
  number: string;
  title: string;
  /** The access window's status: scheduled | open | closed. */
  status: "scheduled" | "open" | "closed";
  system: { code: string; name: string };
  /** How to log in (the system's text, maintained by the administrator); empty: the general text. */
  loginInstructions: string;
  accounts: string[];
  /** The supplier's own people named in the request. */
  people: string[];
  start: string;
  end: string;
  closedAt: string | null;
  /** An extension asked for and not yet decided. */
  pendingExtension: { end: string } | null;
  contact: { name: string; email: string };
};

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : []);

/** The organisation's windows matching `where` (the first `limit` of them), with only the columns a supplier may see, and how many match. */
async function windowsOf(db: Db, scope: Scope, where: SQL | undefined, order: SQL[], limit?: number): Promise<{ windows: SupplierWindow[]; total: number }> {
  const query = db
    .select({
      number: cases.number,
      title: cases.title,
      status: accessWindows.status,
      systemCode: systems.code,
      systemName: systems.name,
      loginInstructions: systems.loginInstructions,
      // Only these two parts of the case's details are read (never risk, plans or impact).
      accounts: sql<unknown>`${cases.details} -> 'accounts'`,
      people: sql<unknown>`${cases.details} -> 'supplierPeople'`,
      startsAt: accessWindows.startsAt,
      endsAt: accessWindows.endsAt,
      closedAt: accessWindows.closedAt,
      pendingEnd: sql<string | null>`${accessWindows.state} -> 'context' -> 'pendingExtension' ->> 'end'`,
      contactName: users.name,
      contactEmail: users.email,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .innerJoin(users, eq(users.id, cases.requesterId))
    .where(and(casesInScope(scope), where))
    .orderBy(...order, asc(cases.id));
  const rows = limit === undefined ? await query : await query.limit(limit);
  const windows = rows.map((r) => ({
    number: r.number,
    title: r.title,
    status: r.status as SupplierWindow["status"],
    system: { code: r.systemCode, name: r.systemName },
    loginInstructions: r.loginInstructions,
    accounts: strings(r.accounts),
    people: strings(r.people),
    start: r.startsAt.toISOString(),
    end: r.endsAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    pendingExtension: r.pendingEnd ? { end: r.pendingEnd } : null,
    contact: { name: r.contactName, email: r.contactEmail },
  }));
  return { windows, total: rows[0]?.total ?? 0 };
}

/**
 * The user's organisation's windows: open now; waiting (their start has come, operations has not
 * opened them yet — an emergency approved at night); upcoming (starting in the next 90 days, and how
 * many start later); past (closed in the last 30 days). Upcoming and past give their first ten and
 * how many there are, unless `all` names them.
 */
export async function supplierOverview(
  db: Db,
  user: Pick<User, "id" | "role" | "organisationId">,
  now = new Date(),
  all: { upcoming?: boolean; past?: boolean } = {},
) {
  const none = { windows: [], total: 0 };
  if (user.role !== "supplier") return { open: [], waiting: [], upcoming: none, later: 0, past: none };
  const org = await scopeOf(db, user);
  const since = new Date(now.getTime() - PAST_DAYS * DAY_MS);
  const horizon = new Date(now.getTime() + UPCOMING_DAYS * DAY_MS).toISOString();
  const scheduled = eq(accessWindows.status, "scheduled");
  const [open, waiting, upcoming, [later], past] = await Promise.all([
    windowsOf(db, org, eq(accessWindows.status, "open"), [asc(accessWindows.endsAt)]),
    windowsOf(db, org, and(scheduled, lte(accessWindows.startsAt, now)), [asc(accessWindows.startsAt)]),
    windowsOf(
      db,
      org,
      and(scheduled, gt(accessWindows.startsAt, now), sql`${accessWindows.startsAt} < ${horizon}::timestamptz`),
      [asc(accessWindows.startsAt)],
      all.upcoming ? undefined : SECTION_SIZE,
    ),
    db
      .select({ n: count() })
      .from(accessWindows)
      .innerJoin(cases, eq(cases.id, accessWindows.caseId))
      .where(and(casesInScope(org), scheduled, sql`${accessWindows.startsAt} >= ${horizon}::timestamptz`)),
    windowsOf(
      db,
      org,
      and(eq(accessWindows.status, "closed"), sql`coalesce(${accessWindows.closedAt}, ${accessWindows.endsAt}) >= ${since.toISOString()}::timestamptz`),
      [desc(sql`coalesce(${accessWindows.closedAt}, ${accessWindows.endsAt})`)],
      all.past ? undefined : SECTION_SIZE,
    ),
  ]);
  return { open: open.windows, waiting: waiting.windows, upcoming, later: later?.n ?? 0, past };
}

export async function supplierFeedWindows(db: Db, user: Pick<User, "id" | "role" | "organisationId">, now = new Date()): Promise<SupplierWindow[]> {
  if (user.role !== "supplier") return [];
  const from = new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS);
  const to = new Date(now.getTime() + FEED_DAYS_AHEAD * DAY_MS);
  const { windows } = await windowsOf(
    db,
    await scopeOf(db, user),
    and(inArray(accessWindows.status, ["scheduled", "open", "closed"]), lt(accessWindows.startsAt, to), gt(accessWindows.endsAt, from)),
    [asc(accessWindows.startsAt)],
  );
  return windows;
}

/** What is left of a window at `now`, in whole hours and minutes (rounded up); null once the end has passed. */
export function timeLeft(end: string | Date, now = new Date()): { hours: number; minutes: number } | null {
  const ms = new Date(end).getTime() - now.getTime();
  if (ms <= 0) return null;
  const total = Math.ceil(ms / 60_000);
  return { hours: Math.floor(total / 60), minutes: total % 60 };
}

export type ActionOutcome = { ok: true } | { ok: false; status: number; errors: FieldErrors };

/** The workflow's refusal as errors at the form's fields (`fields`); anything else is about the form. */
function refusal(error: WorkflowError, fields: string[]): ActionOutcome {
  return { ok: false, status: error.status, errors: formErrors(error, { fields, messages: SUPPLIER_MESSAGES }) };
}
const SUPPLIER_MESSAGES = {
  403: "supplier.error.forbidden",
  404: "supplier.error.notFound",
  409: "supplier.error.conflict",
  422: "supplier.error.conflict",
  400: "supplier.error.conflict",
} as const;

/** "Work done – end access": the END event, with an optional note. */
export async function endAccess(db: Db, user: User, number: string, note: string, now = new Date()): Promise<ActionOutcome> {
  const reason = note.trim();
  if (reason.length > 4000) return { ok: false, status: 422, errors: { reason: { key: "validation.tooLong", params: { max: 4000 } } } };
  try {
    await applyEvent(db, user, number, { type: "END", ...(reason ? { reason } : {}) }, now);
    return { ok: true };
  } catch (error) {
    if (error instanceof WorkflowError) return refusal(error, ["reason"]);
    throw error;
  }
}

/**
 * "Ask for more time": REQUEST_EXTENSION with a new end (a `datetime-local` value in Stockholm)
 * and a reason, both required. The window's own rules (later than the current end, at most 24
 * hours more, one request at a time) are checked here first so the message lands at the field;
 * the workflow decides again.
 */
export async function askForMoreTime(db: Db, user: User, number: string, input: { end: string; reason: string }, now = new Date()): Promise<ActionOutcome> {
  const reason = input.reason.trim();
  const local = input.end.trim();
  const errors: FieldErrors = {};
  if (!reason) errors.reason = { key: "case.reasonRequired" };
  else if (reason.length > 4000) errors.reason = { key: "validation.tooLong", params: { max: 4000 } };
  const end = local ? stockholmLocalToIso(local) : undefined;
  if (!local) errors.end = { key: "validation.required" };
  else if (!end) errors.end = { key: "validation.invalid" };

  if (end && user.role === "supplier") {
    const [current] = await db
      .select({
        endsAt: accessWindows.endsAt,
        status: accessWindows.status,
        pendingEnd: sql<string | null>`${accessWindows.state} -> 'context' -> 'pendingExtension' ->> 'end'`,
      })
      .from(accessWindows)
      .innerJoin(cases, eq(cases.id, accessWindows.caseId))
      .where(and(eq(cases.number, number), casesInScope(await scopeOf(db, user))));
    if (!current) return { ok: false, status: 404, errors: { ...errors, _form: { key: "supplier.error.notFound" } } };
    // The window machine's own rule, asked here first so its answer lands at the field.
    const problems = extensionProblems(
      {
        end: current.endsAt.toISOString(),
        pendingExtension: current.status === "open" && current.pendingEnd ? { end: current.pendingEnd, reason: "", requestedBy: null } : null,
      },
      end,
    );
    for (const [field, p] of Object.entries(problems)) {
      errors[field] = {
        key: p.key,
        params: p.params,
      };
    }
  }
  if (Object.keys(errors).length) return { ok: false, status: 422, errors };
  try {
    await applyEvent(db, user, number, { type: "REQUEST_EXTENSION", end: end!, reason }, now);
    return { ok: true };
  } catch (error) {
    if (error instanceof WorkflowError) return refusal(error, ["end", "reason"]);
    throw error;
  }
}
