import { createHmac, randomBytes } from "node:crypto";
import { and, asc, desc, eq, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import {
  accessWindows,
  auditLog,
  systems,
  webhookDeliveries,
  webhookSubscribers,
  type Case,
  type User,
  type WebhookDelivery,
  type WebhookSubscriber,
} from "../../db/schema";
import { env } from "~/env.server";
import { WEBHOOK_EVENTS, type WebhookEvent } from "./events";
import { text } from "~/ui/fields";
import { msg, validate, type FormResult } from "~/ui/forms";

/**
 * Signed webhooks (decision 024): what the ticketing system or another monitoring tool is told.
 * A delivery row is written in the transition's own transaction (so an event is never lost and
 * never invented by a rollback), then POSTed by a loop of its own, after the commit, with the
 * Standard Webhooks headers: `webhook-id` (also `Idempotency-Key`: the same on every retry),
 * `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 * At least once: a process killed between the receiver's answer and the mark retries with the
 * same id, and the receiver keeps the first.
 */
export { WEBHOOK_EVENTS, type WebhookEvent };

/** The webhook events a transition's event is (an approval also schedules the window). */
const BY_TRANSITION: Record<string, WebhookEvent[]> = {
  SUBMIT: ["case.submitted"],
  APPROVE: ["case.approved", "window.scheduled"],
  CAB_APPROVE: ["case.approved", "window.scheduled"],
  CAB_APPROVE_WITH_CONDITIONS: ["case.approved", "window.scheduled"],
  REJECT: ["case.rejected"],
  CAB_REJECT: ["case.rejected"],
  GRANT: ["window.opened"],
  REVOKE: ["window.closed"],
  END: ["window.closed"],
  EXPIRE: ["window.expired"],
  APPROVE_EXTENSION: ["window.extended"],
};

/** Whether a transition's event is one any subscriber could want. */
export const hasWebhooks = (event: string) => event in BY_TRANSITION;

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** Queues the deliveries a transition (its audit row `auditId`) owes, in the caller's transaction. */
export async function queueWebhooks(tx: Db, c: Case, transition: { event: string; auditId: number; now: Date }): Promise<void> {
  const events = BY_TRANSITION[transition.event];
  if (!events) return;
  // Standing access has no window and is none of these subscribers' business (yet).
  if (c.type === "standing-access") return;
  const subscribers = await tx
    .select({ id: webhookSubscribers.id, events: webhookSubscribers.events })
    .from(webhookSubscribers)
    .where(eq(webhookSubscribers.active, true));
  const wanted = subscribers.flatMap((s) => events.filter((e) => s.events.includes(e)).map((event) => ({ subscriber: s.id, event })));
  if (!wanted.length) return;
  const [system] = await tx.select({ code: systems.code, name: systems.name }).from(systems).where(eq(systems.id, c.systemId));
  const [w] = await tx.select().from(accessWindows).where(eq(accessWindows.caseId, c.id));
  const rows = wanted.map(({ subscriber, event }) => {
    const key = `evt_${c.number}_${transition.auditId}_${event}_${subscriber}`;
    return {
      subscriberId: subscriber,
      key,
      event,
      payload: {
        type: event,
        timestamp: transition.now.toISOString(),
        data: {
          case: { number: c.number, type: c.type, status: c.status, title: c.title, url: `${env().appUrl}/cases/${c.number}` },
          system: system ? { code: system.code, name: system.name } : null,
          window: w ? { status: w.status, start: w.startsAt.toISOString(), end: w.endsAt.toISOString() } : null,
        },
      },
    };
  });
  await tx.insert(webhookDeliveries).values(rows).onConflictDoNothing({ target: webhookDeliveries.key });
}

/** The signature of a delivery: what a receiver recomputes with its secret. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret);
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export const WEBHOOK_LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
export const webhookBackoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

async function claim(db: Db, now: Date): Promise<(WebhookDelivery & { url: string; secret: string }) | undefined> {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(isNull(webhookDeliveries.deliveredAt), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!due) return undefined;
    const [claimed] = await tx
      .update(webhookDeliveries)
      .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + WEBHOOK_LEASE_MS) })
      .where(eq(webhookDeliveries.id, due.id))
      .returning();
    const [subscriber] = await tx.select().from(webhookSubscribers).where(eq(webhookSubscribers.id, claimed!.subscriberId));
    return { ...claimed!, url: subscriber!.url, secret: subscriber!.secret };
  });
}

/** POSTs what is due, oldest first; returns how many were delivered and how many failed. */
export async function deliverWebhooks(db: Db, now = new Date(), options: { limit?: number } = {}): Promise<{ delivered: number; failedDeliveries: number }> {
  let delivered = 0;
  let failedDeliveries = 0;
  for (let taken = 0; taken < (options.limit ?? 200); taken++) {
    const d = await claim(db, now);
    if (!d) break;
    const body = JSON.stringify({ ...d.payload, id: d.key });
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(d.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": d.key,
          "idempotency-key": d.key,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(d.secret, d.key, timestamp, body),
          "user-agent": "Leverantorsatkomst-Webhooks/1",
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (e) {
      error = (e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e)).slice(0, 500);
    }
    if (error === null) {
      await db.update(webhookDeliveries).set({ deliveredAt: new Date(), responseStatus: status, lastError: null }).where(eq(webhookDeliveries.id, d.id));
      delivered++;
    } else {
      await db
        .update(webhookDeliveries)
        .set({ responseStatus: status, lastError: error, nextAttemptAt: new Date(Date.now() + webhookBackoffMs(d.attempts)) })
        .where(eq(webhookDeliveries.id, d.id));
      failedDeliveries++;
    }
  }
  return { delivered, failedDeliveries };
}

/** The admin's view: the subscribers, and one subscriber's latest deliveries. */
export async function listSubscribers(db: Db) {
  return db
    .select({
      id: webhookSubscribers.id,
      name: webhookSubscribers.name,
      url: webhookSubscribers.url,
      events: webhookSubscribers.events,
      active: webhookSubscribers.active,
      pending: sql<number>`(select count(*)::int from ${webhookDeliveries} d where d.subscriber_id = ${webhookSubscribers.id} and d.delivered_at is null)`,
      failing: sql<number>`(select count(*)::int from ${webhookDeliveries} d where d.subscriber_id = ${webhookSubscribers.id} and d.delivered_at is null and d.last_error is not null)`,
    })
    .from(webhookSubscribers)
    .orderBy(asc(webhookSubscribers.name));
}

export async function deliveryLog(db: Db, subscriberId: number, limit = 100) {
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriberId, subscriberId)).orderBy(desc(webhookDeliveries.id)).limit(limit);
}

export const subscriberSchema = z.object({
  name: text(200),
  url: z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(2000)
    .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), msg("validation.webhookUrl")),
  events: z.array(z.enum(WEBHOOK_EVENTS, { error: msg("validation.choose") })).min(1, msg("validation.webhookEvents")),
});

/** Registers a subscriber with a new signing secret (shown to the admin once, on its page). */
export async function createSubscriber(db: Db, user: User, input: unknown): Promise<FormResult<WebhookSubscriber>> {
  const parsed = validate(subscriberSchema, input);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookSubscribers)
      .values({ ...parsed.value, secret: newWebhookSecret(), createdBy: user.id })
      .returning();
    await tx
      .insert(auditLog)
      .values({ action: "webhook.subscriber", actorUserId: user.id, event: "CREATE", detail: { subscriberId: row!.id, url: row!.url, events: row!.events } });
    return { ok: true as const, value: row! };
  });
}

/** Pauses or resumes a subscriber (a paused one is queued nothing), or gives it a new secret. */
export async function changeSubscriber(
  db: Db,
  user: User,
  id: number,
  change: "pause" | "resume" | "new-secret" | "delete",
): Promise<WebhookSubscriber | null> {
  return db.transaction(async (tx) => {
    const where = eq(webhookSubscribers.id, id);
    const [row] =
      change === "delete"
        ? await tx.delete(webhookSubscribers).where(where).returning()
        : await tx
            .update(webhookSubscribers)
            .set(change === "new-secret" ? { secret: newWebhookSecret(), updatedAt: new Date() } : { active: change === "resume", updatedAt: new Date() })
            .where(where)
            .returning();
    if (!row) return null;
    await tx.insert(auditLog).values({
      action: "webhook.subscriber",
      actorUserId: user.id,
      event: change.toUpperCase().replace("-", "_"),
      detail: { subscriberId: id, url: row.url },
    });
    return row;
  });
}

export async function getSubscriber(db: Db, id: number): Promise<WebhookSubscriber | undefined> {
  const [row] = await db.select().from(webhookSubscribers).where(eq(webhookSubscribers.id, id));
  return row;
}
