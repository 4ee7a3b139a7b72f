import { desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, caseAttachments, cases, outbox, users, type AccessWindow, type Case, type User } from "../../db/schema";
import { connectorStates, type WindowConnectorState } from "~/connectors/steps.server";
import { canCase, decisionProblem, isCabDecision, needsOf, stepWindow, type Actor, type CaseStatus, type CaseType, type WindowState } from "../../machines";
import { RESPONSE_TARGETS, type Priority } from "../../machines/priority";
import type { AccountStep } from "../../machines/standing-access";
import { clocksOf, type IncidentClocks } from "./sla.server";
import { disturbanceOf, mayPublish, type Disturbance } from "./disturbances.server";
import { inScope, scopeOf } from "~/access/scope.server";
import { audienceOf, conflictsFor, detailsFor, reasonFor, seesConflicts, seesMessageLog, seesShared, trailFor } from "~/access/redaction";
import type { AttachmentView } from "./attachments.server";
import { meetingFacts } from "../cab/session.server";
import { conflictsFor as conflictsOnWindow, freezeCount, type Conflict } from "./conflicts.server";
import { mayPassOn, municipalUnits } from "./review.server";
import { casesWithParties } from "./case-rows.server";
import { WorkflowError } from "./errors";
import { WINDOW_EVENTS, type EventInput } from "./schemas";
import { actorFor, actorOf, caseFollows, extensionConflicts, machineEventType, relationColumns } from "./transitions.server";
import { hasRole } from "~/access/roles";

/**
 * A case as a person reads it (the case page, the API): its fields, its window, its trail, the
 * events the person may send now — with what the person's audience may not see taken out
 * (app/access/redaction.ts).
 */
// Reading -------------------------------------------------------------------------------------

/** A trail entry; `shared` is set on a comment's or a file's (internal: false, shared with the supplier: true). */
export type AuditView = {
  at: string;
  actor: string;
  event: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  shared: boolean | null;
  onBehalfOf: string | null;
};

export type CaseView = {
  number: string;
  type: CaseType;
  status: CaseStatus;
  title: string;
  description: string;
  system: { code: string; name: string };
  supplier: { id: number; name: string } | null;
  requester: { id: number; name: string };
  priority: number | null;
  /** What the priority promises (incidents). */
  responseTarget: (typeof RESPONSE_TARGETS)[Priority] | null;
  window: { start: string; end: string } | null;
  accessWindow: {
    id: number;
    status: WindowState;
    start: string;
    end: string;
    pendingExtension: unknown;
    /** What the directory and the monitoring did for it (the municipality's: a supplier sees null). */
    connectors: WindowConnectorState | null;
  } | null;
  affectsUsers: boolean;
  details: Record<string, unknown>;
  linkedCase: string | null;
  /** Planned changes created from this case (an incident). */
  linkedChanges: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  allowedEvents: EventInput["type"][];
  audit: AuditView[];
  /** Approved into a freeze on the service centre's override: who, when and why (the approval's trail entry). */
  freezeOverride: { by: string; at: string; reason: string | null } | null;
  /** How a case ended by someone's decision (rejected, refused, revoked, cancelled) or its consent's end: who, when and why. */
  decision: { event: string; by: string; at: string; reason: string | null } | null;
  /** Standing access: the consent's last day, and the accounts' steps for operations. */
  standing: { consentUntil: string | null; accountSteps: AccountStep[] } | null;
  /** An incident's response and resolution clocks (machines/sla.ts); null for other cases and before submission. */
  sla: IncidentClocks | null;
  /** An incident published on the public status page: its public text, updates and resolution (app/cases/disturbances.server.ts). */
  disturbance: Disturbance | null;
  /** The files on the case (app/cases/attachments.server.ts), oldest first. */
  attachments: AttachmentView[];
};

const linked = alias(cases, "linked_case");

/** The case's access window, as JSON in the case's own row (its times are ISO strings there). */
type WindowJson = Omit<AccessWindow, "startsAt" | "endsAt" | "grantedAt" | "closedAt" | "createdAt" | "updatedAt"> &
  Record<"startsAt" | "endsAt" | "createdAt" | "updatedAt", string> &
  Record<"grantedAt" | "closedAt", string | null>;
type TrailJson = {
  at: string;
  actorName: string | null;
  actorLabel: string | null;
  event: string | null;
  action: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  shared: boolean | null;
  onBehalfOf: string | null;
};
type AttachmentJson = Omit<AttachmentView, "at"> & { at: string };

/**
 * The case with its parties and, in the same statement, its access window, its trail, the changes
 * made from it and what the viewer is to its system: one round trip instead of five (round trips
 * were the case page's largest share of its time; docs/benchmarks.md).
 */
const viewExtras = (user: User | null) => ({
  linkedNumber: linked.number,
  window: sql<WindowJson | null>`(select json_build_object('id', w.id, 'caseId', w.case_id, 'state', w.state, 'machineVersion', w.machine_version,
    'status', w.status, 'startsAt', w.starts_at, 'endsAt', w.ends_at, 'grantedAt', w.granted_at, 'closedAt', w.closed_at,
    'silenceId', w.silence_id, 'createdAt', w.created_at, 'updatedAt', w.updated_at)
    from ${accessWindows} w where w.case_id = ${cases.id})`,
  trail: sql<TrailJson[]>`(select coalesce(json_agg(json_build_object('at', a.at, 'actorName', u.name, 'actorLabel', a.actor_label, 'event', a.event,
    'action', a.action, 'from', a.from_state, 'to', a.to_state, 'reason', a.reason, 'shared', a.detail->'shared', 'onBehalfOf', a.detail->>'onBehalfOf') order by a.id), '[]'::json)
    from ${auditLog} a left join ${users} u on u.id = a.actor_user_id where a.case_id = ${cases.id})`,
  attachments: sql<AttachmentJson[]>`(select coalesce(json_agg(json_build_object('id', f.id, 'name', f.name, 'contentType', f.content_type,
    'size', f.size, 'shared', f.shared, 'by', u.name, 'at', f.at) order by f.id), '[]'::json)
    from ${caseAttachments} f join ${users} u on u.id = f.uploader_id where f.case_id = ${cases.id})`,
  linkedChanges: sql<string[]>`(select coalesce(json_agg(l.number order by l.id), '[]'::json) from ${cases} l where l.linked_case_id = ${cases.id})`,
  // What the viewer is to the case's system, for the events they may send (actorFor asks the same).
  ...(user
    ? relationColumns(user.id, cases.systemId, cases.requesterId)
    : { administers: sql<boolean>`false`, owns: sql<boolean>`false`, forRequester: sql<boolean>`false` }),
});

const at = (iso: string) => new Date(iso);
const atOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

function windowOf(json: WindowJson | null): AccessWindow | undefined {
  if (!json) return undefined;
  return {
    ...json,
    startsAt: at(json.startsAt),
    endsAt: at(json.endsAt),
    grantedAt: atOrNull(json.grantedAt),
    closedAt: atOrNull(json.closedAt),
    createdAt: at(json.createdAt),
    updatedAt: at(json.updatedAt),
  };
}

async function loadView(db: Db, user: User | null, number: string) {
  // From an address: a NUL names no case (and PostgreSQL refuses it in a query).
  if (number.includes("\0")) return undefined;
  const [row] = await casesWithParties(db, viewExtras(user)).leftJoin(linked, eq(linked.id, cases.linkedCaseId)).where(eq(cases.number, number));
  return row;
}

/** A case as its audience may see it (app/access/redaction.ts: one rule for page, API, mail and feeds). */
async function view(db: Db, user: User | null, row: NonNullable<Awaited<ReturnType<typeof loadView>>>): Promise<CaseView> {
  const full = await fullView(db, user, row);
  const audience = audienceOf(user);
  return {
    ...full,
    details: detailsFor(audience, full.details),
    // Directory groups and connector errors are the municipality's own infrastructure.
    accessWindow: full.accessWindow && audience === "supplier" ? { ...full.accessWindow, connectors: null } : full.accessWindow,
    audit: trailFor(audience, full.audit),
    attachments: full.attachments.filter((f) => seesShared(audience, f.shared)),
    // A freeze is a conflict: who passed one, and why, is the municipality's.
    freezeOverride: conflictsFor(audience, full.freezeOverride),
    decision: full.decision ? { ...full.decision, reason: reasonFor(audience, full.decision.reason) } : null,
  };
}

async function fullView(db: Db, user: User | null, row: NonNullable<Awaited<ReturnType<typeof loadView>>>): Promise<CaseView> {
  const { c } = row;
  const w = windowOf(row.window);
  const audit: AuditView[] = row.trail.map((a) => ({
    at: at(a.at).toISOString(),
    actor: a.actorName ?? a.actorLabel ?? "system",
    event: a.event ?? a.action,
    from: a.from,
    to: a.to,
    reason: a.reason,
    shared: a.shared,
    onBehalfOf: a.onBehalfOf,
  }));
  return {
    number: c.number,
    type: c.type,
    status: c.status,
    title: c.title,
    description: c.description,
    system: { code: row.systemCode, name: row.systemName },
    supplier: c.supplierId && row.supplierName ? { id: c.supplierId, name: row.supplierName } : null,
    requester: { id: c.requesterId, name: row.requesterName },
    priority: c.priority,
    responseTarget: c.priority ? RESPONSE_TARGETS[c.priority as Priority] : null,
    window: c.windowStart && c.windowEnd ? { start: c.windowStart.toISOString(), end: c.windowEnd.toISOString() } : null,
    accessWindow: w
      ? {
          id: w.id,
          status: w.status,
          start: w.startsAt.toISOString(),
          end: w.endsAt.toISOString(),
          pendingExtension: (w.state.context as { pendingExtension?: unknown }).pendingExtension ?? null,
          connectors: (await connectorStates(db, [w.id])).get(w.id) ?? null,
        }
      : null,
    affectsUsers: c.affectsUsers,
    details: c.details,
    linkedCase: row.linkedNumber,
    linkedChanges: row.linkedChanges,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    submittedAt: c.submittedAt?.toISOString() ?? null,
    allowedEvents: user ? await allowedEvents(db, user, c, w, actorOf(user, c, row)) : [],
    audit,
    freezeOverride: freezeOverrideOf(c.state.context as { freezeOverridden?: boolean }, audit),
    decision: decisionOf(c.status, audit),
    sla: c.type === "emergency" ? ((await clocksOf(db, [c])).get(c.id) ?? null) : null,
    disturbance: c.type === "emergency" ? await disturbanceOf(db, c.id) : null,
    attachments: row.attachments.map((f) => ({ ...f, at: at(f.at).toISOString() })),
    standing: c.type === "standing-access" ? standingOf(c.state.context as { consentUntil?: string | null; accountSteps?: AccountStep[] }) : null,
  };
}

/** The statuses a decision (or the consent's end) leaves a case in, shown with who, when and why. */
const DECIDED: readonly CaseStatus[] = ["rejected", "refused", "revoked", "expired", "cancelled"];

function decisionOf(status: CaseStatus, audit: AuditView[]): CaseView["decision"] {
  if (!DECIDED.includes(status)) return null;
  // The entry that moved the case there, not a later step in the same state (the accounts removed).
  const entry = audit.findLast((a) => a.to === status && a.from !== status);
  return entry ? { event: entry.event, by: entry.actor, at: entry.at, reason: entry.reason } : null;
}

function standingOf(context: { consentUntil?: string | null; accountSteps?: AccountStep[] }): CaseView["standing"] {
  return { consentUntil: context.consentUntil ?? null, accountSteps: context.accountSteps ?? [] };
}

/** The approval that passed a freeze on the override, if the case's last approval did. */
function freezeOverrideOf(context: { freezeOverridden?: boolean }, audit: AuditView[]): CaseView["freezeOverride"] {
  if (context.freezeOverridden !== true) return null;
  const approval = audit.findLast((a) => a.event === "APPROVE" || a.event === "CAB_APPROVE" || a.event === "CAB_APPROVE_WITH_CONDITIONS");
  return approval ? { by: approval.actor, at: approval.at, reason: approval.reason } : null;
}

export async function getCaseView(db: Db, user: User, number: string): Promise<CaseView> {
  return (await scopedView(db, user, number)).view;
}

async function scopedView(db: Db, user: User, number: string) {
  const row = await loadView(db, user, number);
  if (!row || !inScope(await scopeOf(db, user), row.c)) throw new WorkflowError(404, "No such case.");
  return { id: row.c.id, systemId: row.c.systemId, view: await view(db, user, row) };
}

/**
 * The last 50 messages a case caused, newest first: the case page's log. The outbox holds every
 * message ever sent, so this reads outbox_case_number_idx, never the table (tests/query-plans.test.ts).
 */
export function messageLog(db: Db, number: string) {
  return db
    .select({ template: outbox.template, recipient: outbox.recipient, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
    .from(outbox)
    .where(sql`${outbox.payload}->>'number' = ${number}`)
    .orderBy(desc(outbox.id))
    .limit(50);
}

/**
 * Everything the case page shows: the case as the person may see it, its conflicts and the
 * messages it caused (neither for an audience that may not see them), and for the service centre
 * the units it can inform.
 */
export async function casePage(db: Db, user: User, number: string) {
  const { id, systemId, view: seen } = await scopedView(db, user, number);
  const audience = audienceOf(user);
  const [conflicts, messages, units] = await Promise.all([
    // The case's window is in hand: the check need not read it again (conflictsOf).
    seen.type === "standing-access" || !seesConflicts(audience) || !seen.window
      ? []
      : conflictsOnWindow(db, systemId, { start: new Date(seen.window.start), end: new Date(seen.window.end) }, id),
    seesMessageLog(audience) ? messageLog(db, seen.number) : [],
    hasRole(user, "service-centre") ? municipalUnits(db) : [],
  ]);
  // An extension waiting for a decision: the time it adds, and what that time would meet.
  const pending = seen.accessWindow?.pendingExtension as { end: string; reason: string } | null | undefined;
  const extension =
    pending && seen.accessWindow
      ? {
          currentEnd: seen.accessWindow.end,
          requestedEnd: pending.end,
          reason: pending.reason,
          conflicts: seesConflicts(audience) ? await extensionConflicts(db, { id, systemId }, seen.accessWindow.end, pending.end) : [],
        }
      : null;
  // What each form the person may send asks for: the rules' answer, never the page's. The
  // extension's approval weighs what its added time meets; every other event the case's window.
  const factsOf = (found: Conflict[]) => ({ conflicts: found.length, freezes: freezeCount(found), window: seen.window });
  const facts = factsOf(conflicts);
  const needs = Object.fromEntries(
    seen.allowedEvents.map((e) => [
      e,
      needsOf(
        seen.type,
        machineEventType(seen.type, e as EventInput["type"]).type,
        e === "APPROVE_EXTENSION" && extension ? factsOf(extension.conflicts) : facts,
      ),
    ]),
  );
  // The service centre publishes a priority 1–2 incident as a disturbance on /status.
  const publishes = hasRole(user, "service-centre") && mayPublish(seen);
  return { view: seen, conflicts, extension, messages, units, needs, passOn: mayPassOn(user, seen), publishes };
}

/** Content that makes a probe event acceptable, so `allowedEvents` asks only "who" and "when". */
function probe(type: string, c: Case, w: AccessWindow | undefined): Record<string, unknown> {
  const later = new Date((w?.endsAt ?? new Date()).getTime() + 3600_000).toISOString();
  return {
    reason: "probe",
    conditions: "probe",
    conflicts: 0,
    outcome: c.type === "emergency" ? "resolved" : "successful",
    end: later,
    // A window far ahead meets every lead time: `allowedEvents` asks only whether one may be proposed now.
    window: { start: new Date(Date.now() + 400 * 86_400_000).toISOString(), end: new Date(Date.now() + 400 * 86_400_000 + 3600_000).toISOString() },
    submittedAt: null,
    meetingStartsAt: null,
  };
}

const API_EVENTS: Record<CaseType, readonly EventInput["type"][]> = {
  emergency: ["EDIT", "SUBMIT", "CANCEL", "START_REVIEW", "RETURN", "APPROVE", "REJECT", "REPORT_OUTCOME", "CLOSE", ...WINDOW_EVENTS],
  "simple-change": ["EDIT", "SUBMIT", "CANCEL", "START_REVIEW", "RETURN", "APPROVE", "REJECT", "RECLASSIFY", "REPORT_OUTCOME", "CLOSE", ...WINDOW_EVENTS],
  "advanced-change": [
    "EDIT",
    "SUBMIT",
    "CANCEL",
    "START_REVIEW",
    "RETURN",
    "REJECT",
    "REFER_TO_CAB",
    "CAB_APPROVE",
    "CAB_APPROVE_WITH_CONDITIONS",
    "CAB_DEFER",
    "CAB_REJECT",
    "PROPOSE_WINDOW",
    "REPORT_OUTCOME",
    "CLOSE",
    ...WINDOW_EVENTS,
  ],
  "standing-access": ["EDIT", "SUBMIT", "CANCEL", "CONSENT", "REFUSE_CONSENT", "REVIEW", "REVOKE"],
};

/** The events the user may send now, from the machines' `can()` with the user's facts. */
export async function allowedEvents(db: Db, user: User, c: Case, w?: AccessWindow, known?: Actor): Promise<EventInput["type"][]> {
  const actor = known ?? (await actorFor(db, user, c));
  const now = new Date().toISOString();
  const allowed: EventInput["type"][] = [];
  // The board's decisions: only for the chair of the case's meeting while it is in session with a quorum.
  const meeting = c.cabMeetingId && c.status === "awaiting-cab" ? await meetingFacts(db, c.cabMeetingId) : undefined;
  const mayDecide = decisionProblem(meeting, user.id) === null;
  for (const apiType of API_EVENTS[c.type]) {
    if (isCabDecision(apiType) && !mayDecide) continue;
    const { target, type } = machineEventType(c.type, apiType);
    const event = { ...probe(type, c, w), type, actor, now };
    if (target === "window") {
      const next = w ? stepWindow(w.state, event as never) : undefined;
      if (w && next && caseFollows(c, w.status, next, new Date(now))) allowed.push(apiType);
    } else if (canCase(c.type, c.state, event as never)) {
      allowed.push(apiType);
    }
  }
  return allowed;
}
