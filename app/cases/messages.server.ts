import { and, count, eq, inArray, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, caseComments, organisations, systems, users, type Case, type User } from "../../db/schema";
import { calendarUid, type MailCalendar } from "~/outbox/calendar.server";
import { env } from "~/env.server";
import { reasonFor, type Audience } from "~/access/redaction";
import type { MailTemplate } from "~/i18n/mail.sv";
import { enqueue, type OutgoingMessage } from "~/outbox/enqueue.server";
import { holding } from "~/access/roles.server";

/**
 * Who is told what when a case moves (DESIGN: "Trail and messages"). The messages are written in
 * the transition's own transaction and delivered afterwards; each key is unique per transition
 * and recipient, so nothing is queued twice.
 */
type Recipient = { address: string; lang: string; audience?: Audience; calendar?: boolean };

async function mailboxes(db: Db, kind: "service-centre" | "operations-provider"): Promise<Recipient[]> {
  const rows = await db
    .select({ address: organisations.mailbox })
    .from(organisations)
    .where(and(eq(organisations.kind, kind), eq(organisations.active, true)));
  return rows.map((r) => ({ address: r.address, lang: "sv" }));
}

/** Operations' mailboxes (the directory's reconciliation report). */
export async function operationsMailboxes(db: Db): Promise<string[]> {
  return (await mailboxes(db, "operations-provider")).map((r) => r.address);
}

/** The service centre's mailboxes (the incident clocks' warnings). */
export async function serviceCentreMailboxes(db: Db): Promise<string[]> {
  return (await mailboxes(db, "service-centre")).map((r) => r.address);
}

async function requesterOf(db: Db, c: Case): Promise<Recipient[]> {
  const [row] = await db.select({ address: users.email, lang: users.lang }).from(users).where(eq(users.id, c.requesterId));
  return row ? [{ ...row, calendar: true }] : [];
}

async function supplierOf(db: Db, c: Case): Promise<Recipient[]> {
  if (!c.supplierId) return [];
  const [row] = await db.select({ address: organisations.mailbox }).from(organisations).where(eq(organisations.id, c.supplierId));
  return row ? [{ address: row.address, lang: "sv", audience: "supplier", calendar: true }] : [];
}

async function ownerOf(db: Db, c: Case): Promise<Recipient[]> {
  const [row] = await db
    .select({ address: users.email, lang: users.lang })
    .from(systems)
    .innerJoin(users, eq(users.id, systems.ownerUserId))
    .where(eq(systems.id, c.systemId));
  return row ? [row] : [];
}

type Addressee = "service-centre" | "requester" | "supplier" | "operations" | "owner" | "cab";

/** The change advisory board's members (people who hold the role, active). */
async function cabMembers(db: Db): Promise<Recipient[]> {
  return db
    .select({ address: users.email, lang: users.lang })
    .from(users)
    .where(and(holding("cab"), eq(users.status, "active")));
}

const TEMPLATES: Record<string, { template: MailTemplate; to: Addressee[] }> = {
  SUBMIT: { template: "case.submitted", to: ["service-centre"] },
  // A change on a CAB agenda: the members are told so they can read and vote before the meeting.
  REFER_TO_CAB: { template: "cab.agenda", to: ["cab"] },
  CAB_DEFER: { template: "cab.agenda", to: ["cab", "requester"] },
  CAB_EXTRA_MEETING: { template: "cab.agenda", to: ["cab", "requester"] },
  RETURN: { template: "case.returned", to: ["requester"] },
  APPROVE: { template: "case.approved", to: ["requester", "supplier", "operations"] },
  CAB_APPROVE: { template: "case.approved", to: ["requester", "supplier", "operations"] },
  CAB_APPROVE_WITH_CONDITIONS: { template: "case.approved", to: ["requester", "supplier", "operations"] },
  REJECT: { template: "case.rejected", to: ["requester", "supplier"] },
  CAB_REJECT: { template: "case.rejected", to: ["requester", "supplier"] },
  CANCEL: { template: "case.cancelled", to: ["service-centre", "requester", "supplier"] },
  CONSENT: { template: "case.consented", to: ["requester", "supplier", "service-centre"] },
  REFUSE_CONSENT: { template: "case.consentRefused", to: ["requester"] },
  REVOKE_ACCESS: { template: "case.accessRevoked", to: ["requester", "supplier", "operations"] },
  CONSENT_ENDED: { template: "case.consentEnded", to: ["requester", "supplier", "operations", "owner"] },
  ACCOUNT_CREATED: { template: "account.created", to: ["requester", "supplier"] },
  ACCOUNT_REMOVED: { template: "account.removed", to: ["requester", "owner"] },
  GRANT: { template: "window.opened", to: ["requester", "supplier"] },
  REVOKE: { template: "window.closed", to: ["requester", "supplier"] },
  END: { template: "window.closed", to: ["requester", "operations"] },
  EXPIRE: { template: "window.expired", to: ["requester", "supplier", "operations"] },
  REQUEST_EXTENSION: { template: "window.extensionRequested", to: ["service-centre"] },
  APPROVE_EXTENSION: { template: "window.extended", to: ["requester", "supplier", "operations"] },
  REFUSE_EXTENSION: { template: "window.extensionRefused", to: ["requester", "supplier"] },
  WARN30: { template: "window.warning30", to: ["requester", "supplier"] },
  WARN10: { template: "window.warning10", to: ["requester", "supplier"] },
  // The connectors (app/connectors): a step that failed, and the same step done at last.
  CONNECTOR_FAILED: { template: "connector.failed", to: ["operations"] },
  CONNECTOR_RECOVERED: { template: "connector.recovered", to: ["operations"] },
};

/**
 * The messages that change a window's calendar entry, and how (decision 020): an approval adds
 * it, an extension or an early end updates it, a cancellation removes it.
 */
const CALENDAR: Partial<Record<string, MailCalendar["method"]>> = {
  APPROVE: "REQUEST",
  CAB_APPROVE: "REQUEST",
  CAB_APPROVE_WITH_CONDITIONS: "REQUEST",
  APPROVE_EXTENSION: "REQUEST",
  END: "REQUEST",
  REVOKE: "REQUEST",
  CANCEL: "CANCEL",
};

/**
 * What every message about a case names, so nobody has to sign in to learn it: the system, the
 * window (its current end; an early end's real one), the accounts, how to log in, the board's
 * conditions, the consent's last day, the contact. Read in the transition's transaction, after
 * its writes.
 */
export type MailFacts = {
  system: string;
  start: string | null;
  end: string | null;
  accounts: string[];
  login: string;
  conditions: string | null;
  consentUntil: string | null;
  contact: string;
};

async function factsOf(db: Db, c: Case): Promise<{ facts: MailFacts; hasWindow: boolean }> {
  const [row] = await db
    .select({ name: systems.name, code: systems.code, login: systems.loginInstructions, contactName: users.name, contactEmail: users.email })
    .from(systems)
    .innerJoin(users, eq(users.id, c.requesterId))
    .where(eq(systems.id, c.systemId));
  const [w] = await db.select().from(accessWindows).where(eq(accessWindows.caseId, c.id));
  const endedEarly = w?.closedAt && w.closedAt < w.endsAt ? w.closedAt : null;
  const start = w?.startsAt ?? c.windowStart;
  const end = endedEarly ?? w?.endsAt ?? c.windowEnd;
  const context = c.state.context as { conditions?: string | null; consentUntil?: string | null };
  const accounts = (c.details as { accounts?: unknown }).accounts;
  return {
    hasWindow: Boolean(w),
    facts: {
      system: row ? `${row.name} (${row.code})` : "",
      start: c.type === "standing-access" ? null : (start?.toISOString() ?? null),
      end: c.type === "standing-access" ? null : (end?.toISOString() ?? null),
      accounts: Array.isArray(accounts) ? accounts.filter((a): a is string => typeof a === "string") : [],
      login: row?.login ?? "",
      conditions: context.conditions?.trim() ? context.conditions.trim() : null,
      consentUntil: context.consentUntil ?? null,
      contact: row ? `${row.contactName} <${row.contactEmail}>` : "",
    },
  };
}

/** The calendar entry a transition's messages carry to the requester and the supplier, if any. */
async function calendarOf(db: Db, c: Case, event: string, facts: MailFacts, hasWindow: boolean): Promise<MailCalendar | null> {
  const method = CALENDAR[event];
  if (!method || !hasWindow || !facts.start || !facts.end) return null;
  // Each change to the entry counts up from the approval's 0 (its own audit row is already written).
  const [counted] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.caseId, c.id), inArray(auditLog.event, Object.keys(CALENDAR))));
  const appUrl = env().appUrl;
  return {
    uid: calendarUid(c.number, appUrl),
    method,
    sequence: Math.max(0, (counted?.n ?? 1) - 1),
    start: facts.start,
    end: facts.end,
    summary: `${facts.system}: ${c.number} ${c.title}`,
    url: `${appUrl}/cases/${c.number}`,
  };
}

/** One recipient per address (lower-cased); an address that is also the supplier's gets the supplier's redaction. */
function oneEach(recipients: Recipient[]): Map<string, Recipient> {
  const byAddress = new Map<string, Recipient>();
  for (const r of recipients) {
    const address = r.address.toLowerCase();
    const known = byAddress.get(address);
    if (!known || r.audience === "supplier") byAddress.set(address, { ...r, lang: known?.lang ?? r.lang });
  }
  return byAddress;
}

export async function queueMessages(
  db: Db,
  c: Case,
  transition: { auditId?: number; key?: string; event: string; reason?: string | null; payload?: Record<string, unknown> },
): Promise<void> {
  // Standing access goes to the system owner for consent, not to the service centre's review.
  const spec: { template: MailTemplate; to: Addressee[] } | undefined =
    transition.event === "SUBMIT" && c.type === "standing-access" ? { template: "case.consentRequested", to: ["owner"] } : TEMPLATES[transition.event];
  if (!spec) return;
  const recipients: Recipient[] = [];
  for (const who of spec.to) {
    if (who === "service-centre") recipients.push(...(await mailboxes(db, "service-centre")));
    if (who === "operations") recipients.push(...(await mailboxes(db, "operations-provider")));
    if (who === "requester") recipients.push(...(await requesterOf(db, c)));
    if (who === "supplier") recipients.push(...(await supplierOf(db, c)));
    if (who === "owner") recipients.push(...(await ownerOf(db, c)));
    if (who === "cab") recipients.push(...(await cabMembers(db)));
  }
  const byAddress = oneEach(recipients);
  const { facts, hasWindow } = await factsOf(db, c);
  const calendar = await calendarOf(db, c, transition.event, facts, hasWindow);
  // A substitute's step: who took it, for whom (app/access/substitutes.server.ts).
  const [behalf] = transition.auditId
    ? await db
        .select({ actedBy: users.name, onBehalfOf: sql<string | null>`${auditLog.detail}->>'onBehalfOf'` })
        .from(auditLog)
        .innerJoin(users, eq(users.id, auditLog.actorUserId))
        .where(eq(auditLog.id, transition.auditId))
    : [];
  const messages: OutgoingMessage[] = [];
  for (const [address, r] of byAddress) {
    messages.push({
      key: `${c.number}:${transition.key ?? transition.auditId}:${address}`,
      template: spec.template,
      recipient: r.address,
      lang: r.lang,
      payload: {
        number: c.number,
        title: c.title,
        event: transition.event,
        // The supplier's mailbox gets no reasons, as the supplier sees none in the portal.
        reason: reasonFor(r.audience ?? "municipality", transition.reason),
        url: `${env().appUrl}/cases/${c.number}`,
        facts,
        ...(behalf?.onBehalfOf ? { actedBy: behalf.actedBy, onBehalfOf: behalf.onBehalfOf } : {}),
        ...(calendar && r.calendar ? { calendar } : {}),
        ...transition.payload,
      },
    });
  }
  await enqueue(db, messages);
}

/**
 * A comment on a case, to its participants: the requester, the service centre, everyone who has
 * written on it, the board's members once it has been on an agenda and, for a shared comment, the
 * supplier. An internal comment reaches nobody outside the municipality; nobody is told of their own.
 */
export async function queueCommentMessages(
  db: Db,
  c: Case,
  comment: { auditId: number; author: Pick<User, "id" | "name" | "email">; body: string; shared: boolean },
): Promise<void> {
  const writers = await db
    .selectDistinct({ address: users.email, lang: users.lang, role: users.role })
    .from(caseComments)
    .innerJoin(users, eq(users.id, caseComments.authorId))
    .where(and(eq(caseComments.caseId, c.id), eq(users.status, "active")));
  const recipients: Recipient[] = [
    ...(await mailboxes(db, "service-centre")),
    ...(await requesterOf(db, c)).map((r) => ({ ...r, calendar: false })),
    ...(c.cabMeetingId ? await cabMembers(db) : []),
    ...writers.filter((w) => w.role !== "supplier").map((w) => ({ address: w.address, lang: w.lang })),
    ...(comment.shared
      ? [...(await supplierOf(db, c)), ...writers.filter((w) => w.role === "supplier").map((w) => ({ address: w.address, lang: w.lang }))]
      : []),
  ];
  const byAddress = oneEach(recipients);
  byAddress.delete(comment.author.email.toLowerCase());
  await enqueue(
    db,
    [...byAddress].map(([address, r]) => ({
      key: `${c.number}:${comment.auditId}:${address}`,
      template: comment.shared ? "case.commented" : "case.commentedInternal",
      recipient: r.address,
      lang: r.lang,
      payload: { number: c.number, title: c.title, author: comment.author.name, body: comment.body, url: `${env().appUrl}/cases/${c.number}` },
    })),
  );
}
