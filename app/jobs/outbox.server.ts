import { createTransport, type Transporter } from "nodemailer";
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { outbox, type OutboxMessage } from "../../db/schema";
import { renderMail } from "./mail-templates.server";

/**
 * Delivers the outbox. A batch of due messages is claimed with `FOR UPDATE SKIP LOCKED` (several
 * instances never take the same row) and leased by moving `next_attempt_at` on; each message is
 * sent with a Message-ID made from its unique key, then marked sent. If the process dies between
 * sending and marking, the retry carries the same Message-ID, so the receiving side can tell it
 * is the same message. Failures back off exponentially (1 min, 2, 4 … at most 1 h).
 */
export type Transport = { send(message: OutboxMessage, mail: { subject: string; text: string; messageId: string }): Promise<void> };

export function smtpTransport(url: string, from: string): Transport & { close(): void } {
  // Bounded waits (10 + 10 + 30 s), so an attempt always ends well inside the 60 s lease.
  const transporter: Transporter = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(message, mail) {
      await transporter.sendMail({ from, to: message.recipient, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
    close: () => transporter.close(),
  };
}

export const BATCH = 20;
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

/** Sends what is due; returns how many were sent and how many failed. */
export async function deliverDue(db: Db, transport: Transport, now = new Date()): Promise<{ sent: number; failed: number }> {
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.id))
      .limit(BATCH)
      .for("update", { skipLocked: true });
    if (!due.length) return [];
    return tx
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(sql`${outbox.id} in (${sql.join(due.map((d) => sql`${d.id}`), sql`, `)})`)
      .returning();
  });
  let sent = 0;
  let failed = 0;
  for (const message of claimed) {
    try {
      await transport.send(message, { ...renderMail(message), messageId: messageIdOf(message) });
      await db.update(outbox).set({ sentAt: new Date(), lastError: null }).where(eq(outbox.id, message.id));
      sent++;
    } catch (error) {
      failed++;
      await db
        .update(outbox)
        .set({ lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error), nextAttemptAt: new Date(Date.now() + backoffMs(message.attempts)) })
        .where(eq(outbox.id, message.id));
    }
  }
  return { sent, failed };
}
