import { count, desc } from "drizzle-orm";

import type { Db } from "../../db/client";
import { outbox } from "../../db/schema";
import { renderMail } from "./templates.server";
import { pageOf } from "~/ui/paging";

/**
 * The outbox as /admin/outbox lists it: a page of messages, newest first, each with its delivery
 * status and rendered content (null when it cannot be rendered). Invitation links are credentials (they set a password): they are
 * shown only when `showInvitationLinks` (administrators).
 */
export const PAGE_SIZE = 50;

export async function outboxPage(db: Db, requested: number, options: { showInvitationLinks: boolean }) {
  const [counted] = await db.select({ n: count() }).from(outbox);
  const total = counted?.n ?? 0;
  const { page, pages, offset } = pageOf(total, requested, PAGE_SIZE);
  const rows = await db
    .select()
    .from(outbox)
    // Newest first by the queue's own order: the key, so a page is read off an index, not a sort of every message ever sent.
    .orderBy(desc(outbox.id))
    .limit(PAGE_SIZE)
    .offset(offset);
  const hidden = "[…]";
  const messages = rows.map((m) => {
    const secret = m.template === "invitation" && !options.showInvitationLinks;
    const payload = secret ? { ...m.payload, url: hidden } : m.payload;
    // A message whose template a later version no longer has is listed, not a reason to fail the page.
    let mail: { subject: string; text: string } | null = null;
    try {
      mail = renderMail({ template: m.template, lang: m.lang, payload });
    } catch {
      mail = null;
    }
    return {
      id: m.id,
      createdAt: m.createdAt.toISOString(),
      template: m.template,
      recipient: m.recipient,
      lang: m.lang,
      sentAt: m.sentAt?.toISOString() ?? null,
      attempts: m.attempts,
      lastError: m.lastError,
      nextAttemptAt: m.nextAttemptAt.toISOString(),
      linkHidden: secret,
      subject: mail?.subject ?? null,
      text: mail?.text ?? null,
    };
  });
  return { messages, page, pages, total };
}
