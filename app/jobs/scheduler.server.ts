import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";

import type { Database, Db } from "../../db/client";
import { accessWindows, cases, connectorSteps, systems } from "../../db/schema";
import { deleteExpiredSessions } from "~/access/sessions.server";
import { stockholmDate } from "../../machines/calendar";
import { materialiseMeetings } from "~/cab/meetings.server";
import { extendFreezes } from "~/cases/blackouts.server";
import { applySystemEvent } from "~/cases/commands.server";
import { warnIncidentClocks } from "~/cases/sla.server";
import { queueMessages } from "~/cases/messages.server";
import { deliverDue, smtpTransport, type Transport } from "../outbox/delivery.server";
import { runConnectorSteps } from "~/connectors/steps.server";
import { deliverWebhooks } from "~/connectors/webhooks.server";

/**
 * The portal's own duties, run inside the server process on a timer and at start-up (so it
 * catches up after downtime): close every window whose end has passed, warn 30 and 10 minutes
 * before a window ends, put standing access up for its yearly review — and, in a loop of its own,
 * deliver the outbox.
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
  for (const { caseId } of due) {
    // One window that cannot close must not keep the others open: it is reported and retried next round.
    try {
      if (await applySystemEvent(db, caseId, "EXPIRE", now)) closed++;
    } catch (error) {
      console.error(`jobs: the window of case ${caseId} could not be closed:`, error instanceof Error ? error.message : error);
    }
  }
  return closed;
}

/** Windows on systems set to open automatically whose start has come: opened by the system (the connectors then grant the access). */
export async function openDueWindows(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .select({ caseId: accessWindows.caseId })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(and(eq(accessWindows.status, "scheduled"), eq(systems.openAutomatically, true), lte(accessWindows.startsAt, now), gt(accessWindows.endsAt, now)))
    .orderBy(accessWindows.startsAt)
    .limit(200);
  let opened = 0;
  for (const { caseId } of due) {
    try {
      if (await applySystemEvent(db, caseId, "GRANT", now)) opened++;
    } catch (error) {
      console.error(`jobs: the window of case ${caseId} could not be opened:`, error instanceof Error ? error.message : error);
    }
  }
  return opened;
}

/** The warnings before an open window ends, latest first: a window seen with 8 minutes left gets the 10-minute one only. */
const WARNINGS = [
  { minutes: 10, event: "WARN10" },
  { minutes: 30, event: "WARN30" },
] as const;

/**
 * Warnings to the supplier and the requester before an open window ends: at most one per stage
 * and window end, only the stage that applies now, telling the minutes that are really left.
 */
export async function warnEndingWindows(db: Db, now = new Date()): Promise<number> {
  const widest = Math.max(...WARNINGS.map((w) => w.minutes));
  const ending = await db
    .select({ c: cases, endsAt: accessWindows.endsAt, windowId: accessWindows.id })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .where(and(eq(accessWindows.status, "open"), gt(accessWindows.endsAt, now), lte(accessWindows.endsAt, new Date(now.getTime() + widest * 60_000))));
  let queued = 0;
  for (const { c, endsAt, windowId } of ending) {
    const left = Math.ceil((endsAt.getTime() - now.getTime()) / 60_000);
    const stage = WARNINGS.find((w) => left <= w.minutes)!;
    await queueMessages(db, c, {
      key: `warn${stage.minutes}:${windowId}:${endsAt.toISOString()}`,
      event: stage.event,
      payload: { end: endsAt.toISOString(), minutes: left },
    });
    queued++;
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

/** Standing access whose consent's last day has passed ends: operations is asked to remove the accounts. */
export async function endConsents(db: Db, now = new Date()): Promise<number> {
  const today = stockholmDate(now);
  const due = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.type, "standing-access"), inArray(cases.status, ["active", "review-due"]), sql`${cases.state}->'context'->>'consentUntil' < ${today}`));
  let ended = 0;
  for (const { id } of due) if (await applySystemEvent(db, id, "CONSENT_ENDED", now)) ended++;
  return ended;
}

/** The portal's duties, without mail: expiry never waits for a mail server. */
export async function runDuties(db: Db, now = new Date()) {
  const opened = await openDueWindows(db, now);
  const expired = await expireWindows(db, now);
  // What the windows' moves ask of the directory and the monitoring, in the same round as the expiry.
  const { stepsDone, stepsFailed } = await runConnectorSteps(db, now);
  const warned = await warnEndingWindows(db, now);
  const consentsEnded = await endConsents(db, now);
  const reviews = await markReviewsDue(db, now);
  // The service centre is told before an incident's clock runs out.
  const clockWarnings = await warnIncidentClocks(db, now);
  // Recurring freezes stay laid out FREEZE_HORIZON_DAYS ahead.
  await extendFreezes(db, now);
  // …and the CAB's recurring meetings MEETINGS_AHEAD_WEEKS ahead (pages only read them).
  await materialiseMeetings(db, now);
  // Sessions past their idle or absolute limit open nothing; clear them away.
  await deleteExpiredSessions(db, now);
  return { opened, expired, stepsDone, stepsFailed, warned, reviews, consentsEnded, clockWarnings };
}

/**
 * When the duties next have work before their regular tick: the earliest window end ahead, the
 * earliest automatic opening, the earliest connector retry. The loop wakes then, so a window's
 * access is gone moments after its end, not up to an interval later.
 */
export async function nextDutyAt(db: Db, now = new Date()): Promise<Date | null> {
  const at = now.toISOString();
  const [row] = await db
    .select({
      at: sql<string | null>`least(
        (select min(w.ends_at) from ${accessWindows} w where w.status in ('scheduled', 'open') and w.ends_at > ${at}),
        (select min(w.starts_at) from ${accessWindows} w join ${cases} c on c.id = w.case_id join ${systems} s on s.id = c.system_id
          where w.status = 'scheduled' and s.open_automatically and w.starts_at > ${at}),
        (select min(s.next_attempt_at) from ${connectorSteps} s where s.status <> 'done' and s.next_attempt_at > ${at}))`,
    })
    .from(sql`(select 1) as one`);
  return row?.at ? new Date(row.at) : null;
}

/** One round of everything (tests, the CLI): the duties, then delivery. */
export async function runJobs(db: Db, transport: Transport | null, now = new Date()) {
  const duties = await runDuties(db, now);
  const delivery = transport ? await deliverDue(db, transport, now) : { sent: 0, failed: 0 };
  const webhooks = await deliverWebhooks(db, now);
  return { ...duties, ...delivery, ...webhooks };
}

/**
 * A task run now and then every `intervalMs`, a round at a time (a round still running skips the
 * tick). With `nextAt`, a round that finds work due before the next tick wakes the loop for it.
 */
function loop(name: string, intervalMs: number, round: () => Promise<Record<string, number>>, nextAt?: () => Promise<Date | null>) {
  let running: Promise<unknown> | null = null;
  let wake: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = round()
      .then(async (r) => {
        if (Object.values(r).some((n) => n > 0)) console.log(`jobs (${name}): ${JSON.stringify(r)}`);
        const at = nextAt ? await nextAt() : null;
        const delay = at ? at.getTime() - Date.now() : Infinity;
        clearTimeout(wake);
        if (delay < intervalMs && !stopped) {
          wake = setTimeout(tick, Math.max(0, delay) + 5);
          wake.unref();
        }
      })
      .catch((error: unknown) => console.error(`jobs (${name}) failed:`, error instanceof Error ? error.message : error))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(wake);
      await running;
    },
  };
}

/**
 * Starts the timers; the first rounds happen at once (catching up after downtime). The duties and
 * the mail have loops of their own: a slow or absent mail server never delays an expiry.
 */
export function startJobs(database: Database, options: { intervalMs: number; smtpUrl?: string; mailFrom: string }) {
  const transport = options.smtpUrl ? smtpTransport(options.smtpUrl, options.mailFrom) : null;
  const duties = loop(
    "duties",
    options.intervalMs,
    () => runDuties(database.db),
    () => nextDutyAt(database.db),
  );
  const delivery = transport ? loop("mail", options.intervalMs, () => deliverDue(database.db, transport)) : null;
  const webhooks = loop("webhooks", options.intervalMs, () => deliverWebhooks(database.db));
  return {
    async stop() {
      await Promise.all([duties.stop(), delivery?.stop(), webhooks.stop()]);
      transport?.close();
    },
  };
}
