import type { Db } from "../../db/client";
import { outbox } from "../../db/schema";
import type { MailTemplate } from "~/i18n/mail.sv";

export type OutgoingMessage = {
  /** Unique per message: a retried cause with the same key queues nothing new. */
  key: string;
  template: MailTemplate;
  recipient: string;
  lang?: string;
  payload?: Record<string, unknown>;
};

/** Queues messages in the caller's transaction; they are delivered after it commits. */
export async function enqueue(db: Db, messages: OutgoingMessage[]): Promise<void> {
  if (!messages.length) return;
  await db
    .insert(outbox)
    .values(messages.map((m) => ({ key: m.key, template: m.template, recipient: m.recipient, lang: m.lang ?? "sv", payload: m.payload ?? {} })))
    .onConflictDoNothing({ target: outbox.key });
}
