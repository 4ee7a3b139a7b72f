import { createTransport, type Transporter } from "nodemailer";
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { outbox, type OutboxMessage } from "../../db/schema";
import { renderMail, type RenderedMail } from "./templates.server";
import { icsOf } from "./calendar.server";

/**
 * Delivers the outbox. Due messages are claimed one by one with `FOR UPDATE SKIP LOCKED` (several
 * instances, and several workers in one, never take the same row) and leased by moving
 * `next_attempt_at` on; each message is sent with a Message-ID made from its unique key, then
 * marked sent. If the process dies between the server's acceptance and the mark, the retry
 * carries the same Message-ID, so the receiving side can tell it is the same message.
 * Failures back off exponentially (1 min, 2, 4 … at most 1 h).
 */
export type Transport = { send(message: OutboxMessage, mail: RenderedMail & { messageId: string }): Promise<void> };

export function smtpTransport(url: string, from: string): Transport & { close(): void } {
  // Bounded waits (10 + 10 + 30 s), so an attempt always ends well inside the 60 s lease.
  const transporter: Transporter = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(message, mail) {
      // A window's calendar entry goes as iTIP (text/calendar with its METHOD) and as an .ics attachment.
      const icalEvent = mail.calendar
        ? { method: mail.calendar.entry.method, filename: "invite.ics", content: icsOf(mail.calendar.entry, from, mail.calendar.description) }
        : undefined;
      await transporter.sendMail({ from, to: message.recipient, subject: mail.subject, text: mail.text, messageId: mail.messageId, icalEvent });
    },
    close: () => transporter.close(),
  };
}

/** How many messages are sent at once: a slow mail server costs throughput, never the whole queue. */
export const DELIVERY_CONCURRENCY = 8;
/** At most this many messages per round, so a round always ends (the next one continues). */
export const ROUND_LIMIT = 500;
/**
 * How long a claimed message belongs to the instance that claimed it. Longer than any send can
 * take (the SMTP timeouts above), short enough that a message claimed by an instance that died is
 * retried within a minute.
 */
export const LEASE_MS = 60 * 1000;
export const backoffMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

export function messageIdOf(message: Pick<OutboxMessage, "key">): string {
  return `<${Buffer.from(message.key).toString("base64url")}@supplier-access-portal>`;
}

/** Claims the oldest due message for this instance (SKIP LOCKED, leased), or undefined when none is due. */
async function claimOne(db: Db, now: Date): Promise<OutboxMessage | undefined> {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!due) return undefined;
    const [claimed] = await tx
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(eq(outbox.id, due.id))
      .returning();
    return claimed;
  });
}

/**
 * Sends what is due, DELIVERY_CONCURRENCY at a time; returns how many were sent and how many
 * failed. Each worker claims one message, sends it and marks it sent at once — the only moment a
 * crash can make a message go twice is between the server's "250 OK" and that mark, and the
 * retry then carries the same Message-ID (at-least-once delivery, de-duplicable by the receiver).
 */
export async function deliverDue(
  db: Db,
  transport: Transport,
  now = new Date(),
  options: { concurrency?: number } = {},
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  let taken = 0;
  const worker = async () => {
    while (taken < ROUND_LIMIT) {
      taken++;
      const message = await claimOne(db, now);
      if (!message) return;
      try {
        await transport.send(message, { ...renderMail(message), messageId: messageIdOf(message) });
      } catch (error) {
        failed++;
        await db
          .update(outbox)
          .set({
            lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error),
            nextAttemptAt: new Date(Date.now() + backoffMs(message.attempts)),
          })
          .where(eq(outbox.id, message.id));
        continue;
      }
      await db.update(outbox).set({ sentAt: new Date(), lastError: null }).where(eq(outbox.id, message.id));
      sent++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? DELIVERY_CONCURRENCY }, worker));
  return { sent, failed };
}
