import { and, asc, eq, inArray, isNotNull, notInArray } from "drizzle-orm";

import type { Db } from "../../db/client";
import { auditLog, cases } from "../../db/schema";
import type { Priority } from "../../machines/priority";
import { RESOLVED_STATUSES, slaOf, type ClockState, type SlaClock, type TrailStep } from "../../machines/sla";
import { env } from "~/env.server";
import { enqueue } from "~/outbox/enqueue.server";
import { serviceCentreMailboxes } from "./messages.server";

/**
 * The incident clocks as the queue, the case page and the scheduler read them: from each case's
 * trail (machines/sla.ts holds the rule), in the service desk's configured hours.
 */
export type IncidentClocks = Record<SlaClock, ClockState>;

/** The clocks of the given incidents (cases with a priority), by case id. */
export async function clocksOf(db: Db, incidents: { id: number; priority: number | null }[], now = new Date()): Promise<Map<number, IncidentClocks>> {
  const withPriority = incidents.filter((c) => c.priority !== null);
  const clocks = new Map<number, IncidentClocks>();
  if (!withPriority.length) return clocks;
  const rows = await db
    .select({ caseId: auditLog.caseId, at: auditLog.at, event: auditLog.event, to: auditLog.toState })
    .from(auditLog)
    .where(
      inArray(
        auditLog.caseId,
        withPriority.map((c) => c.id),
      ),
    )
    .orderBy(asc(auditLog.id));
  const trails = new Map<number, TrailStep[]>();
  for (const r of rows) {
    if (r.caseId === null || !r.event) continue;
    const trail = trails.get(r.caseId) ?? [];
    trail.push({ at: r.at.toISOString(), event: r.event, to: r.to });
    trails.set(r.caseId, trail);
  }
  for (const c of withPriority) {
    const found = slaOf(c.priority as Priority, trails.get(c.id) ?? [], now, env().deskHours);
    if (found) clocks.set(c.id, found);
  }
  return clocks;
}

/** The clock that matters now: the response until it is answered, then the resolution. */
export const currentClock = (clocks: IncidentClocks): ClockState => (clocks.response.stopped ? clocks.resolution : clocks.response);

/**
 * Warns the service centre before an incident's clock runs out (WARN_SHARE of the target left):
 * once per clock and due moment, through the outbox.
 */
export async function warnIncidentClocks(db: Db, now = new Date()): Promise<number> {
  const open = await db
    .select({ id: cases.id, number: cases.number, title: cases.title, priority: cases.priority })
    .from(cases)
    .where(and(eq(cases.type, "emergency"), isNotNull(cases.priority), notInArray(cases.status, ["draft", ...RESOLVED_STATUSES])));
  if (!open.length) return 0;
  const clocks = await clocksOf(db, open, now);
  const mailboxes = await serviceCentreMailboxes(db);
  let queued = 0;
  for (const c of open) {
    const found = clocks.get(c.id);
    if (!found) continue;
    for (const clock of [found.response, found.resolution]) {
      if (!clock.warn || !clock.dueAt) continue;
      await enqueue(
        db,
        mailboxes.map((address) => ({
          key: `sla:${c.number}:${clock.clock}:${clock.dueAt}:${address}`,
          template: clock.clock === "response" ? "sla.responseWarning" : "sla.resolutionWarning",
          recipient: address,
          payload: { number: c.number, title: c.title, priority: c.priority, at: clock.dueAt, url: `${env().appUrl}/cases/${c.number}` },
        })),
      );
      queued++;
    }
  }
  return queued;
}
