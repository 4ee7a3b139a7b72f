import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, cases, organisations, systems, users, type User } from "../../db/schema";
import { enqueue } from "~/outbox/enqueue.server";
import { env } from "~/env.server";
import { inScope, scopeOf } from "~/access/scope.server";
import type { CaseStatus, CaseType } from "../../machines/vocabulary";
import { stockholmDate, workingDaysBetween } from "../../machines/calendar";
import { conflictCounts } from "./conflicts.server";
import { clocksOf, currentClock } from "./sla.server";
import type { ClockState } from "../../machines/sla";
import { WorkflowError } from "./errors";
import { pageOf } from "~/ui/paging";
import { hasRole } from "~/access/roles";

/**
 * The service centre's desk: everything waiting for it, emergencies first, then oldest first;
 * and the notices of Nacka's step 3 (forward to operations, inform the digitalisation unit).
 */
const supplierOrg = alias(organisations, "supplier_org");

export type QueueItem = {
  number: string;
  title: string;
  type: CaseType;
  status: CaseStatus;
  priority: number | null;
  systemCode: string;
  requester: string;
  supplier: string | null;
  submittedAt: string | null;
  window: { start: string; end: string } | null;
  workingDaysLeft: number | null;
  conflicts: number;
  reason: "decide" | "extension" | "close";
  /** An incident's clock that matters now (response, then resolution); null for planned changes. */
  sla: ClockState | null;
};

/** How many cases the service centre's page shows at a time (the CSV has them all). */
export const QUEUE_PAGE_SIZE = 50;

/** The whole queue, in order, each case with its conflicts checked: the CSV and the API's view. */
export async function reviewQueue(db: Db, now = new Date()): Promise<QueueItem[]> {
  return withConflicts(db, await orderedQueue(db, now));
}

/**
 * One page of the queue. The order needs every case (the incidents' clocks decide it), which is
 * one query; the conflicts are counted only for the cases on the page (one statement for them all)
 * — a queue of hundreds is not a page of hundreds (0.7 s and 620 KiB of HTML at 624 cases).
 */
export async function reviewQueuePage(
  db: Db,
  page: number,
  options: { now?: Date; pageSize?: number } = {},
): Promise<{ items: QueueItem[]; total: number; page: number; pages: number }> {
  const pageSize = options.pageSize ?? QUEUE_PAGE_SIZE;
  const all = await orderedQueue(db, options.now ?? new Date());
  const shown = pageOf(all.length, page, pageSize);
  return { items: await withConflicts(db, all.slice(shown.offset, shown.offset + pageSize)), total: all.length, page: shown.page, pages: shown.pages };
}

type Ordered = Omit<QueueItem, "conflicts"> & { id: number };

async function withConflicts(db: Db, items: Ordered[]): Promise<QueueItem[]> {
  const counts = await conflictCounts(
    db,
    items.filter((item) => item.reason !== "close").map((item) => item.id),
  );
  // A case to close is not counted: it is not in `counts`.
  return items.map(({ id, ...item }) => ({ ...item, conflicts: counts.get(id) ?? 0 }));
}

async function orderedQueue(db: Db, now: Date): Promise<Ordered[]> {
  const base = db
    .select({
      id: cases.id,
      number: cases.number,
      title: cases.title,
      type: cases.type,
      status: cases.status,
      priority: cases.priority,
      systemCode: systems.code,
      requester: users.name,
      supplier: supplierOrg.name,
      submittedAt: cases.submittedAt,
      windowStart: cases.windowStart,
      windowEnd: cases.windowEnd,
      pendingExtension: sql<boolean>`coalesce((${accessWindows.state}->'context'->'pendingExtension') is not null and (${accessWindows.state}->'context'->>'pendingExtension') <> 'null', false)`,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .innerJoin(users, eq(users.id, cases.requesterId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId))
    .leftJoin(accessWindows, eq(accessWindows.caseId, cases.id));
  const rows = await base
    .where(inArray(cases.status, ["submitted", "in-review", "window-open", "outcome-reported"]))
    .orderBy(desc(sql`${cases.type} = 'emergency'`), asc(sql`coalesce(${cases.priority}, 9)`), asc(cases.submittedAt), asc(cases.id));
  const today = stockholmDate(now);
  const clocks = await clocksOf(
    db,
    rows.filter((r) => r.type === "emergency"),
    now,
  );
  const items: Ordered[] = [];
  for (const r of rows) {
    const reason = r.status === "window-open" ? (r.pendingExtension ? "extension" : null) : r.status === "outcome-reported" ? "close" : "decide";
    if (!reason) continue;
    items.push({
      id: r.id,
      number: r.number,
      title: r.title,
      type: r.type,
      status: r.status,
      priority: r.priority,
      systemCode: r.systemCode,
      requester: r.requester,
      supplier: r.supplier,
      submittedAt: r.submittedAt?.toISOString() ?? null,
      window: r.windowStart && r.windowEnd ? { start: r.windowStart.toISOString(), end: r.windowEnd.toISOString() } : null,
      workingDaysLeft: r.windowStart ? workingDaysBetween(today, stockholmDate(r.windowStart)) : null,
      reason,
      sla: clocks.has(r.id) ? currentClock(clocks.get(r.id)!) : null,
    });
  }
  // Incidents by their clock: the breached first, then the one due soonest; a paused clock last.
  const due = (i: Ordered) => (i.sla?.dueAt && !i.sla.stopped ? Date.parse(i.sla.dueAt) : Number.MAX_SAFE_INTEGER);
  const emergencies = items.filter((i) => i.type === "emergency").sort((a, b) => due(a) - due(b));
  return [...emergencies, ...items.filter((i) => i.type !== "emergency")];
}

export const NOTICE_TARGETS = ["operations", "digitalisation"] as const;
export type NoticeTarget = (typeof NOTICE_TARGETS)[number];

/** Whether `user` may pass case `c` on now: the service centre, while the case is still in play. */
export const mayPassOn = (user: Pick<User, "role">, c: { status: string }) =>
  hasRole(user, "service-centre") && !["draft", "rejected", "cancelled", "closed"].includes(c.status);

/**
 * Nacka's step 3: the service centre passes a reviewed case on to the operations provider, or
 * informs the digitalisation unit (or another municipal unit). A message through the outbox and
 * a line in the case's trail; the case's state does not change.
 */
export async function sendNotice(db: Db, user: User, number: string, target: NoticeTarget, unitId: number | null, note: string): Promise<void> {
  await db.transaction(async (tx) => {
    // Outside the caller's scope a case does not exist (404), whoever asks.
    const [c] = await tx.select().from(cases).where(eq(cases.number, number));
    if (!c || !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
    if (!hasRole(user, "service-centre")) throw new WorkflowError(403, "Only the service centre passes cases on.");
    if (!mayPassOn(user, c)) throw new WorkflowError(409, `The case is ${c.status}.`);
    const recipients = await tx
      .select({ id: organisations.id, name: organisations.name, mailbox: organisations.mailbox })
      .from(organisations)
      .where(
        target === "operations"
          ? and(eq(organisations.kind, "operations-provider"), eq(organisations.active, true))
          : and(
              eq(organisations.kind, "municipal-unit"),
              eq(organisations.active, true),
              unitId ? eq(organisations.id, unitId) : sql`lower(${organisations.name}) like 'digitalisering%'`,
            ),
      );
    if (!recipients.length) throw new WorkflowError(422, "There is no one to send that to.", { unitId: { key: "validation.choose" } });
    const event = target === "operations" ? "FORWARDED_TO_OPERATIONS" : "INFORMED_UNIT";
    const [row] = await tx
      .insert(auditLog)
      .values({
        action: "case.notice",
        actorUserId: user.id,
        caseId: c.id,
        event,
        fromState: c.status,
        toState: c.status,
        reason: note.trim().slice(0, 4000) || null,
        detail: { to: recipients.map((r) => r.name) },
      })
      .returning({ id: auditLog.id });
    await enqueue(
      tx,
      recipients.map((r) => ({
        key: `${c.number}:${row!.id}:${r.mailbox.toLowerCase()}`,
        template: target === "operations" ? "case.forwarded" : "case.informed",
        recipient: r.mailbox,
        payload: { number: c.number, title: c.title, reason: note.trim() || null, url: `${env().appUrl}/cases/${c.number}` },
      })),
    );
  });
}

export async function municipalUnits(db: Db) {
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(eq(organisations.kind, "municipal-unit"), eq(organisations.active, true)))
    .orderBy(asc(organisations.name));
}
