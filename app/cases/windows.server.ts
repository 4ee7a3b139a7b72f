import { and, asc, eq, gt, gte, lt } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { grantOpensAt } from "../../machines";
import { addDays, stockholmDate, stockholmMidnight } from "../../machines/calendar";
import { WINDOW_STATES, type WindowState } from "../../machines/vocabulary";
import { accessWindows, cases, connectorSteps, organisations, systems, type User } from "../../db/schema";
import { connectorStates, type WindowConnectorState } from "~/connectors/steps.server";
import { casesInScope, scopeOf } from "~/access/scope.server";
import { applyEvent } from "./commands.server";
import { WorkflowError } from "./errors";
import { WINDOW_EVENTS } from "./schemas";

/**
 * Access windows as operations, the service centre and the API see them: the window with its
 * case, system, supplier and the practical details operations needs to open it (accounts, the
 * supplier's people). Everything is filtered by the caller's scope (app/access/scope.server.ts);
 * a window outside it does not exist for the caller (404).
 */
export { WINDOW_STATES, type WindowState };

export type WindowItem = {
  id: number;
  caseNumber: string;
  caseType: string;
  caseStatus: string;
  title: string;
  system: { code: string; name: string };
  /** Other systems the change affects (advanced changes), by code. */
  affectedSystems: string[];
  supplier: { id: number; name: string } | null;
  accounts: string[];
  supplierPeople: string[];
  status: string;
  start: string;
  end: string;
  grantedAt: string | null;
  closedAt: string | null;
  /** How a closed window was closed: revoked by operations, ended by the supplier, or expired. */
  closedBy: "revoked" | "ended" | "expired" | null;
  pendingExtension: { end: string; reason: string; requestedBy: number | null } | null;
  /** The system is run by the operations provider (monitoring and accounts are theirs). */
  operatedByProvider: boolean;
  /** Monitoring and alarms are switched off while the window is open. */
  monitoringSuppressed: boolean;
};

export type WindowFilters = {
  state?: WindowState;
  /** Only windows that end after this instant (overlap with [from, to)). */
  from?: Date;
  /** Only windows that start before this instant. */
  to?: Date;
  /** Only windows closed at or after this instant. */
  closedSince?: Date;
  /** One window by id. */
  id?: number;
};

const supplierOrg = alias(organisations, "window_supplier_org");

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** The windows in the user's scope, earliest start first. */
export async function listWindows(db: Db, user: Pick<User, "id" | "role" | "organisationId">, filters: WindowFilters = {}): Promise<WindowItem[]> {
  const scope = await scopeOf(db, user);
  const where = and(
    casesInScope(scope),
    filters.state ? eq(accessWindows.status, filters.state) : undefined,
    filters.from ? gt(accessWindows.endsAt, filters.from) : undefined,
    filters.to ? lt(accessWindows.startsAt, filters.to) : undefined,
    filters.closedSince ? gte(accessWindows.closedAt, filters.closedSince) : undefined,
    filters.id !== undefined ? eq(accessWindows.id, filters.id) : undefined,
  );
  const rows = await db
    .select({
      w: accessWindows,
      number: cases.number,
      caseType: cases.type,
      caseStatus: cases.status,
      title: cases.title,
      details: cases.details,
      supplierId: cases.supplierId,
      systemCode: systems.code,
      systemName: systems.name,
      operatedByProvider: systems.operatedByProvider,
      supplierName: supplierOrg.name,
    })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId))
    .where(where)
    .orderBy(asc(accessWindows.startsAt), asc(accessWindows.id));
  return rows.map((r) => {
    const context = r.w.state.context as { pendingExtension?: WindowItem["pendingExtension"]; closedBy?: WindowItem["closedBy"] };
    return {
      id: r.w.id,
      caseNumber: r.number,
      caseType: r.caseType,
      caseStatus: r.caseStatus,
      title: r.title,
      system: { code: r.systemCode, name: r.systemName },
      affectedSystems: strings(r.details.affectedSystems).filter((code) => code !== r.systemCode),
      supplier: r.supplierId && r.supplierName ? { id: r.supplierId, name: r.supplierName } : null,
      accounts: strings(r.details.accounts),
      supplierPeople: strings(r.details.supplierPeople),
      status: r.w.status,
      start: r.w.startsAt.toISOString(),
      end: r.w.endsAt.toISOString(),
      grantedAt: r.w.grantedAt?.toISOString() ?? null,
      closedAt: r.w.closedAt?.toISOString() ?? null,
      closedBy: context.closedBy ?? null,
      pendingExtension: context.pendingExtension ?? null,
      operatedByProvider: r.operatedByProvider,
      monitoringSuppressed: r.w.status === "open",
    };
  });
}

/** One window in the user's scope; 404 otherwise. */
export async function getWindow(db: Db, user: Pick<User, "id" | "role" | "organisationId">, id: number): Promise<WindowItem> {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw new WorkflowError(404, "No such access window.");
  const [item] = await listWindows(db, user, { id });
  if (!item) throw new WorkflowError(404, "No such access window.");
  return item;
}

/**
 * Sends a window event (GRANT, REVOKE, END, REQUEST_EXTENSION, APPROVE_EXTENSION,
 * REFUSE_EXTENSION) to the window `id` through its case: the same service, checks and errors as
 * any case event (403 / 409 / 422), and 404 for a window outside the user's scope. Returns the
 * window as it is now.
 */
export async function sendWindowEvent(db: Db, user: User, id: number, raw: unknown, now = new Date()): Promise<WindowItem> {
  const window = await getWindow(db, user, id);
  const type = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !(WINDOW_EVENTS as readonly string[]).includes(type)) {
    throw new WorkflowError(422, `Unknown event type: use one of ${WINDOW_EVENTS.join(", ")}.`, { type: { key: "case.event.unknown" } });
  }
  await applyEvent(db, user, window.caseNumber, raw, now);
  return getWindow(db, user, id);
}

/** Operations' board: today and the next seven days (Stockholm). */
const DAYS_AHEAD = 7;
/** Windows closed this recently stay listed, as a reminder to restore monitoring. */
const RECENT_MS = 24 * 3600_000;

export type BoardRow = WindowItem & {
  /** GRANT is possible now (from GRANT_EARLY_MS before the start until the end). */
  grantable: boolean;
  /** When GRANT becomes possible. */
  grantFrom: string;
  /** The step is late: a scheduled window whose start has passed, an open one past its end. */
  overdue: boolean;
  /** The window's end has passed (the scheduler closes it on its next round). */
  ended: boolean;
  /** What the directory and the monitoring connectors have done for the window (null: nothing to do). */
  connectors: WindowConnectorState | null;
};

/** The windows to open and to close, and those closed lately, with what each step allows now. */
export async function operationsBoard(db: Db, user: Pick<User, "id" | "role" | "organisationId">, now = new Date()) {
  const today = stockholmDate(now);
  const from = stockholmMidnight(today);
  const to = stockholmMidnight(addDays(today, DAYS_AHEAD + 1));
  const [scheduled, open, closed] = await Promise.all([
    listWindows(db, user, { state: "scheduled", from, to }),
    listWindows(db, user, { state: "open" }),
    listWindows(db, user, { state: "closed", closedSince: new Date(now.getTime() - RECENT_MS) }),
  ]);
  // A window whose opening or closing failed in the directory or the monitoring stays on top, in red, until the step succeeds.
  const failingIds = await db.selectDistinct({ id: connectorSteps.windowId }).from(connectorSteps).where(eq(connectorSteps.status, "failed"));
  const failingWindows = (await Promise.all(failingIds.map(({ id }) => listWindows(db, user, { id })))).flat();
  const states = await connectorStates(
    db,
    [...scheduled, ...open, ...closed, ...failingWindows].map((w) => w.id),
  );
  const row = (w: WindowItem): BoardRow => {
    const end = Date.parse(w.end);
    const opensAt = grantOpensAt(w.start);
    return {
      ...w,
      grantable: w.status === "scheduled" && now >= opensAt && now.getTime() < end,
      grantFrom: opensAt.toISOString(),
      overdue: (w.status === "scheduled" && now.getTime() >= Date.parse(w.start)) || (w.status === "open" && now.getTime() >= end),
      ended: now.getTime() >= end,
      connectors: states.get(w.id) ?? null,
    };
  };
  return {
    range: { from: today, to: addDays(today, DAYS_AHEAD) },
    toOpen: scheduled.map(row),
    toClose: open.map(row).sort((a, b) => Date.parse(a.end) - Date.parse(b.end)),
    closed: closed.map(row).sort((a, b) => Date.parse(b.closedAt ?? b.end) - Date.parse(a.closedAt ?? a.end)),
    failing: failingWindows.map(row),
  };
}
