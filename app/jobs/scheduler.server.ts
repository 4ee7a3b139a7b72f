import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";

import type { Database, Db } from "../../db/client";
import { accessWindows, cases } from "../../db/schema";
import { deleteExpiredSessions } from "~/models/sessions.server";
import { stockholmDate } from "~/utils/calendar.server";
import { applySystemEvent } from "~/workflow/cases.server";
import { queueMessages } from "~/workflow/messages.server";
import { deliverDue, smtpTransport, type Transport } from "./outbox.server";

/**
 * The portal's own duties, run inside the server process on a timer and at start-up (so it
 * catches up after downtime): close every window whose end has passed, warn 30 and 10 minutes
 * before a window ends, put standing access up for its yearly review, and deliver the outbox.
 * Safe with several instances on one PostgreSQL: rows are taken with SKIP LOCKED and messages
 * carry unique keys.
 */
export async function expireWindows(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .select({ caseId: accessWindows.caseId })
    .from(accessWindows)
    .where(and(inArray(accessWindows.status, ["scheduled", "open"]), lte(accessWindows.endsAt, now)))
    .orderBy(accessWindows.endsAt)
    .limit(200);
  let closed = 0;
  for (const { caseId } of due) if (await applySystemEvent(db, caseId, "EXPIRE", now)) closed++;
  return closed;
}

/** Warnings to the supplier and the requester before an open window ends (once per window end). */
export async function warnEndingWindows(db: Db, now = new Date()): Promise<number> {
  let queued = 0;
  for (const minutes of [30, 10] as const) {
    const ending = await db
      .select({ c: cases, endsAt: accessWindows.endsAt, windowId: accessWindows.id })
      .from(accessWindows)
      .innerJoin(cases, eq(cases.id, accessWindows.caseId))
      .where(and(eq(accessWindows.status, "open"), gt(accessWindows.endsAt, now), lte(accessWindows.endsAt, new Date(now.getTime() + minutes * 60_000))));
    for (const { c, endsAt, windowId } of ending) {
      await queueMessages(db, c, {
        key: `warn${minutes}:${windowId}:${endsAt.toISOString()}`,
        event: minutes === 30 ? "WARN30" : "WARN10",
        payload: { end: endsAt.toISOString() },
      });
      queued++;
    }
  }
  return queued;
}

/** Standing access whose review date has come is put up for the owner's yearly review. */
export async function markReviewsDue(db: Db, now = new Date()): Promise<number> {
  const today = stockholmDate(now);
  const due = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.type, "standing-access"), eq(cases.status, "active"), sql`${cases.state}->'context'->>'reviewDueOn' <= ${today}`));
  let marked = 0;
  for (const { id } of due) if (await applySystemEvent(db, id, "REVIEW_DUE", now)) marked++;
  return marked;
}

export async function runJobs(db: Db, transport: Transport | null, now = new Date()) {
  const expired = await expireWindows(db, now);
  const warned = await warnEndingWindows(db, now);
  const reviews = await markReviewsDue(db, now);
  // Sessions past their idle or absolute limit open nothing; clear them away.
  await deleteExpiredSessions(db, now);
  const delivery = transport ? await deliverDue(db, transport, now) : { sent: 0, failed: 0 };
  return { expired, warned, reviews, ...delivery };
}

/** Starts the timer; the first run happens at once (catching up after downtime). */
export function startJobs(database: Database, options: { intervalMs: number; smtpUrl?: string; mailFrom: string }) {
  const transport = options.smtpUrl ? smtpTransport(options.smtpUrl, options.mailFrom) : null;
  let running: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (running) return;
    running = runJobs(database.db, transport)
      .then((r) => {
        if (r.expired || r.reviews || r.sent || r.failed) console.log(`jobs: ${JSON.stringify(r)}`);
      })
      .catch((error: unknown) => console.error("jobs failed:", error instanceof Error ? error.message : error))
      .finally(() => {
        running = null;
      });
  };
  tick();
  timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      transport?.close();
    },
  };
}
