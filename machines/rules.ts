/**
 * The rules the case machines enforce, as pure functions over plain data: who may send which
 * event, and what makes an event's content acceptable. The machines use them as guards; the
 * transition service uses the same functions to tell a refused permission (403) from a refused
 * content (422) and from a state that does not allow the event at all (409).
 */
import { CASE_TYPES, outcomesFor, type CabMeetingStatus, type CaseType, type Outcome, type Role } from "./vocabulary";
import { addDays, earliestStart, isIsoDate, stockholmDate, stockholmMidnight } from "./calendar";

export { CASE_TYPES };
export type { CaseType };

/** What the server knows about the person (or the system itself) sending an event. */
export type Actor = {
  userId: number | null;
  /** Every role the person holds (a förvaltare who also sits on the board holds two); the system's own steps: ["system"]. */
  roles: readonly (Role | "system")[];
  /** The person who created the case. */
  isRequester: boolean;
  /** Administers the case's system ("systemförvaltare" of it). */
  administersSystem: boolean;
  /** Owns the case's system ("systemägare"). */
  ownsSystem: boolean;
  /** Works for the case's supplier. */
  ofSupplier: boolean;
};

export const SYSTEM_ACTOR: Actor = {
  userId: null,
  roles: ["system"],
  isRequester: false,
  administersSystem: false,
  ownsSystem: false,
  ofSupplier: false,
};

export type Window = { start: string; end: string };

/**
 * The texts the rules can name: translation keys (app/i18n/index.ts refuses to compile when one
 * of them is missing from the dictionary).
 */
export type ProblemKey =
  | "cab.error.ownChange"
  | "cab.session.notInSession"
  | "cab.session.notChair"
  | "cab.session.noQuorum"
  | "cab.session.notScheduled"
  | "cab.session.tooEarly"
  | "cab.session.notOpen"
  | "cab.session.notClosed"
  | "cab.session.locked"
  | "cab.session.chairAdjusts"
  | "cab.session.notPresent"
  | "cab.session.votingClosed"
  | "cab.session.voteNotPresent"
  | "case.action.forbidden"
  | "case.conflictReasonRequired"
  | "case.freeze.overrideRequired"
  | "case.reasonRequired"
  | "consent.until.invalid"
  | "consent.until.past"
  | "consent.until.tooLate"
  | "case.window.endBeforeStart"
  | "case.window.inPast"
  | "case.repropose.beforeMeeting"
  | "supplier.extend.none"
  | "extension.grant.beyondAsked"
  | "cab.extra.notAwaiting"
  | "cab.extra.tooSoon"
  | "cab.extra.afterWindow"
  | "case.window.needsAllowance"
  | "case.window.required"
  | "case.window.tooEarly"
  | "case.window.tooLong"
  | "case.window.tooShort"
  | "request.hoursInvalid"
  | "supplier.extend.notLater"
  | "supplier.extend.pending"
  | "supplier.extend.tooLong"
  | "validation.invalid";

/** A problem with an event's content, keyed by field, as a translation key and parameters. */
export type Problem = { key: ProblemKey; params?: Record<string, string | number> };
export type Problems = Record<string, Problem>;

const HOUR = 60 * 60 * 1000;
export const MAX_WINDOW_HOURS: Record<CaseType, number> = {
  emergency: 24,
  "simple-change": 72,
  "advanced-change": 72,
  "standing-access": 0,
};
export const DEFAULT_EMERGENCY_HOURS = 4;
/** An emergency window shorter than this is a typing mistake, not a plan. */
export const MIN_EMERGENCY_MINUTES = 15;

/** What is wrong with an emergency's "how many hours" (a number of hours, fractions allowed), if anything. */
export function emergencyHoursProblem(hours: number): Problem | undefined {
  if (!Number.isFinite(hours)) return { key: "request.hoursInvalid" };
  if (hours * 60 < MIN_EMERGENCY_MINUTES) return { key: "case.window.tooShort", params: { minutes: MIN_EMERGENCY_MINUTES } };
  if (hours > MAX_WINDOW_HOURS.emergency) return { key: "case.window.tooLong", params: { hours: MAX_WINDOW_HOURS.emergency } };
  return undefined;
}

// A person with several roles may do what any of them may; the segregation of duties (never on
// a case one requested) holds whichever role they act in.
const holds = (a: Actor, role: Role | "system") => a.roles.includes(role);
const requesterSide = (a: Actor) => holds(a, "requester") && (a.isRequester || a.administersSystem);
const serviceCentre = (a: Actor) => holds(a, "service-centre") && !a.isRequester;
const systemOwner = (a: Actor) => holds(a, "system-owner") && a.ownsSystem && !a.isRequester;
const operations = (a: Actor) => holds(a, "operations");
const supplierSide = (a: Actor) => (holds(a, "supplier") && a.ofSupplier) || requesterSide(a);
const theSystem = (a: Actor) => holds(a, "system");

/** Who may send each event. Nobody decides on a case they requested themselves. */
export const PERMISSIONS: Record<string, (actor: Actor) => boolean> = {
  EDIT: requesterSide,
  SUBMIT: requesterSide,
  CANCEL: (a) => requesterSide(a) || serviceCentre(a),
  START_REVIEW: serviceCentre,
  RETURN: serviceCentre,
  APPROVE: serviceCentre,
  REJECT: serviceCentre,
  RECLASSIFY: serviceCentre,
  REFER_TO_CAB: serviceCentre,
  CAB_APPROVE: serviceCentre,
  CAB_APPROVE_WITH_CONDITIONS: serviceCentre,
  CAB_DEFER: serviceCentre,
  CAB_REJECT: serviceCentre,
  PROPOSE_WINDOW: requesterSide,
  REPORT_OUTCOME: requesterSide,
  CLOSE: serviceCentre,
  CONSENT: systemOwner,
  REFUSE_CONSENT: systemOwner,
  REVIEW: systemOwner,
  ACCOUNT_CREATED: operations,
  ACCOUNT_REMOVED: operations,
  CONSENT_ENDED: theSystem,
  REVOKE_ACCESS: (a) => systemOwner(a) || serviceCentre(a) || requesterSide(a),
  // The system too: a window on a system set to open automatically opens at its start (the connectors grant the access).
  GRANT: (a) => operations(a) || theSystem(a),
  REVOKE: operations,
  END: supplierSide,
  REQUEST_EXTENSION: supplierSide,
  APPROVE_EXTENSION: serviceCentre,
  REFUSE_EXTENSION: serviceCentre,
  WINDOW_OPENED: theSystem,
  WINDOW_CLOSED: theSystem,
  EXPIRE: theSystem,
  CASE_CANCELLED: theSystem,
  REVIEW_DUE: theSystem,
};

export function permitted(eventType: string, actor: Actor): boolean {
  return PERMISSIONS[eventType]?.(actor) ?? false;
}

/**
 * A standing access's consent: it holds to an end date the owner chooses, at most a year ahead
 * (the yearly review; by default exactly that), and is renewed at the review the same way.
 */
export const MAX_CONSENT_MONTHS = 12;
/** Days before the consent's end that the owner is asked to review it (half the consent when it is shorter). */
export const REVIEW_NOTICE_DAYS = 30;

/** The same day a year later (29 February → 28 February). */
function aYearAfter(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const next = `${String(y + MAX_CONSENT_MONTHS / 12).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return isIsoDate(next) ? next : addDays(`${next.slice(0, 8)}01`, d - 2);
}

/** The latest end date a consent given at `now` may have, which is also its default. */
export const latestConsentEnd = (now: string | Date) => aYearAfter(stockholmDate(new Date(now)));

/** The end date a consent (or renewal) gets: the one chosen, or the yearly review. */
export function consentEnd(event: { until?: string; now: string }): string {
  return event.until?.trim() ? event.until.trim() : latestConsentEnd(event.now);
}

/** What is wrong with a consent's end date, if anything: a date, after today, at most a year ahead. */
export function consentProblems(event: { until?: string; now: string }): Problems {
  const chosen = event.until?.trim();
  if (!chosen) return {};
  if (!isIsoDate(chosen)) return { until: { key: "consent.until.invalid" } };
  if (chosen <= stockholmDate(new Date(event.now))) return { until: { key: "consent.until.past" } };
  const latest = latestConsentEnd(event.now);
  if (chosen > latest) return { until: { key: "consent.until.tooLate", params: { date: latest, months: MAX_CONSENT_MONTHS } } };
  return {};
}

/** When a consent running from `today` to `until` comes up for review. */
export function reviewDateFor(today: string, until: string): string {
  const days = Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  return addDays(until, -Math.min(REVIEW_NOTICE_DAYS, Math.floor(days / 2)));
}

/** Problems with a window for a case of `type` submitted at `now`. */
export function windowProblems(type: CaseType, window: Window | null | undefined, now: Date, options: { allowLongWindow?: boolean } = {}): Problems {
  if (!window) return { "window.start": { key: "case.window.required" } };
  const start = new Date(window.start);
  const end = new Date(window.end);
  if (Number.isNaN(start.getTime())) return { "window.start": { key: "validation.invalid" } };
  if (Number.isNaN(end.getTime())) return { "window.end": { key: "validation.invalid" } };
  if (end <= start) return { "window.end": { key: "case.window.endBeforeStart" } };
  const hours = (end.getTime() - start.getTime()) / HOUR;
  const max = MAX_WINDOW_HOURS[type];
  if (hours > max && !(options.allowLongWindow && type !== "emergency")) {
    return { "window.end": { key: "case.window.tooLong", params: { hours: max } } };
  }
  if (type === "emergency") {
    const short = emergencyHoursProblem(hours);
    if (short) return { "window.end": short };
    if (end <= now) return { "window.end": { key: "case.window.inPast" } };
    return {};
  }
  if (type === "simple-change" || type === "advanced-change") {
    const earliest = earliestStart(type, stockholmDate(now));
    if (start < stockholmMidnight(earliest)) {
      return { "window.start": { key: "case.window.tooEarly", params: { date: earliest } } };
    }
  }
  return {};
}

/**
 * A change's window may be longer than 72 hours only when the service centre allows it: the
 * request can be submitted, and the approval then has to say so (`allowLongWindow`).
 */
export function longWindowProblems(type: CaseType, window: Window | null | undefined, event: { allowLongWindow?: boolean }): Problems {
  if (!window || type === "emergency" || type === "standing-access") return {};
  const hours = (new Date(window.end).getTime() - new Date(window.start).getTime()) / HOUR;
  return hours > MAX_WINDOW_HOURS[type] && !event.allowLongWindow
    ? { allowLongWindow: { key: "case.window.needsAllowance", params: { hours: MAX_WINDOW_HOURS[type] } } }
    : {};
}

/** Problems with a change's window at submission: the length is the service centre's call (see above). */
export function submissionProblems(type: CaseType, window: Window | null | undefined, now: Date): Problems {
  if (type === "standing-access") return {};
  return windowProblems(type, window, now, { allowLongWindow: type !== "emergency" });
}

/**
 * A new window proposed after the board deferred a change (decision 017): the lead time counts
 * from the case's first submission — the requester was in time, the board asked for more — and
 * the window starts after the meeting the case now waits for, which must decide it first. The
 * length is the service centre's call, as at submission.
 */
export function reproposalProblems(
  type: CaseType,
  window: Window | null | undefined,
  facts: { submittedAt: string | null; meetingStartsAt: string | null; now: string },
): Problems {
  const submitted = new Date(facts.submittedAt ?? facts.now);
  const problems = windowProblems(type, window, submitted, { allowLongWindow: true });
  if (!isEmpty(problems) || !window) return problems;
  if (facts.meetingStartsAt && new Date(window.start) <= new Date(facts.meetingStartsAt))
    return { "window.start": { key: "case.repropose.beforeMeeting", params: { date: facts.meetingStartsAt } } };
  if (new Date(window.start) <= new Date(facts.now)) return { "window.start": { key: "case.window.inPast" } };
  return {};
}

/** An approval despite known conflicts needs a reason. */
export function approvalProblems(event: { conflicts?: number; reason?: string }): Problems {
  return (event.conflicts ?? 0) > 0 && !event.reason?.trim() ? { reason: { key: "case.conflictReasonRequired" } } : {};
}

/**
 * A change whose window touches a freeze ("frysperiod") is approved only with an explicit override, which
 * like every approval despite a conflict needs a reason (the freeze counts among the conflicts).
 * The approvals are the service centre's (`PERMISSIONS`): nobody else can pass a freeze.
 */
export function freezeProblems(type: CaseType, event: { freezes?: number; overrideFreeze?: boolean }): Problems {
  // A freeze holds planned changes; an emergency (an incident being fixed) is not held by it.
  if (type !== "simple-change" && type !== "advanced-change") return {};
  return (event.freezes ?? 0) > 0 && event.overrideFreeze !== true
    ? { overrideFreeze: { key: "case.freeze.overrideRequired", params: { count: event.freezes ?? 0 } } }
    : {};
}

/**
 * Which events take a reason ("motivering"), and which cannot go without one. The machines guard
 * the required ones (`hasReason`, checked against this table by tests/machines.test.ts); the forms
 * ask for what this says (`needsOf`).
 */
export const REASONS: Partial<Record<string, "required" | "optional">> = {
  RETURN: "required",
  REJECT: "required",
  CAB_REJECT: "required",
  REFUSE_CONSENT: "required",
  REVOKE_ACCESS: "required",
  REFUSE_EXTENSION: "required",
  REQUEST_EXTENSION: "required",
  CANCEL: "optional",
  APPROVE: "optional",
  CAB_APPROVE: "optional",
  CAB_APPROVE_WITH_CONDITIONS: "optional",
  CAB_DEFER: "optional",
  PROPOSE_WINDOW: "optional",
  RECLASSIFY: "optional",
  END: "optional",
  REVOKE: "optional",
  APPROVE_EXTENSION: "optional",
  CONSENT: "optional",
  REVIEW: "optional",
  CLOSE: "optional",
};

/** A reason is missing from an event that cannot go without one. */
export function reasonProblems(event: { type?: string; reason?: string }): Problems {
  if (event.type && REASONS[event.type] !== "required") return {};
  return event.reason?.trim() ? {} : { reason: { key: "case.reasonRequired" } };
}

/** The approvals: they need a reason when the window has conflicts, and the allowance for a long window. */
export const APPROVALS = ["APPROVE", "CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS"] as const;

/** What an event's form must ask for, from the rules: never restated by a page. */
export type EventNeeds = {
  reason: "required" | "optional" | "none";
  /** The reason is required because the window has conflicts (the form says so). */
  conflictReason: boolean;
  conditions: boolean;
  outcomes: readonly Outcome[] | null;
  newEnd: boolean;
  /** A new start and end (a window proposed after a deferral). */
  newWindow: boolean;
  /** The end to grant an extension to (the one asked for, or earlier). */
  grantEnd: boolean;
  allowLongWindow: boolean;
  /** The window touches a freeze: approving it needs the override (and a reason). */
  freezeOverride: boolean;
  /** A consent's (or renewal's) last day: the latest allowed, which is also the default; null when the event has none. */
  consentUntil: string | null;
};

/** The needs of `event` (a machine event type) on a case of `type` with `window` and `conflicts` known conflicts. */
export function needsOf(type: CaseType, event: string, facts: { conflicts: number; freezes?: number; window: Window | null; now?: Date }): EventNeeds {
  const approval = (APPROVALS as readonly string[]).includes(event) || event === "APPROVE_EXTENSION";
  const conflicted = approval && !isEmpty(approvalProblems({ conflicts: facts.conflicts }));
  return {
    reason: REASONS[event] === "required" || conflicted ? "required" : (REASONS[event] ?? "none"),
    conflictReason: conflicted,
    conditions: event === "CAB_APPROVE_WITH_CONDITIONS",
    outcomes: event === "REPORT_OUTCOME" ? outcomesFor(type) : null,
    newEnd: event === "REQUEST_EXTENSION",
    newWindow: event === "PROPOSE_WINDOW",
    allowLongWindow: (APPROVALS as readonly string[]).includes(event) && !isEmpty(longWindowProblems(type, facts.window, {})),
    // An extension's added time is held by a freeze as an approval's window is (facts: the added time's).
    freezeOverride: approval && !isEmpty(freezeProblems(type, { freezes: facts.freezes })),
    grantEnd: event === "APPROVE_EXTENSION",
    consentUntil: event === "CONSENT" || event === "REVIEW" ? latestConsentEnd(facts.now ?? new Date()) : null,
  };
}

/** Who may take part in the board's work on a change: members vote, members and the chair comment — never on a change they requested. */
export function boardProblems(actor: Actor, act: "vote" | "comment"): Problem | null {
  const role = act === "vote" ? holds(actor, "cab") : holds(actor, "cab") || holds(actor, "service-centre");
  if (!role) return { key: "case.action.forbidden" };
  if (actor.isRequester) return { key: "cab.error.ownChange" };
  return null;
}

// The CAB meeting ------------------------------------------------------------------------------

/** The board's quorum unless the administrator sets another: its chair and at least this many members present (a named substitute counts for the member). */
export const CAB_QUORUM_MEMBERS = 2;
/** The quorums the administrator may set. */
export const CAB_QUORUM_RANGE = { min: 1, max: 20 } as const;
/** A meeting may be opened from this long before its planned start (never days ahead). */
export const MEETING_OPENS_MINUTES_BEFORE = 60;

/** An extra meeting is called at least this long before it starts: shorter notice than a regular meeting's agenda (LATE_REFERRAL_DAYS), never none. */
export const EXTRA_MEETING_NOTICE_HOURS = 4;

/**
 * What stands in the way of calling an extra meeting at `startsAt` for a change: it must be an
 * advanced change waiting for the board, the members get EXTRA_MEETING_NOTICE_HOURS' notice, and
 * the meeting is before the change's window. The change's own lead time is untouched: it was
 * checked when it was submitted and still holds.
 */
export function extraMeetingProblems(change: { type: CaseType; status: string; windowStart: Date | null }, startsAt: Date, now: Date): Problems {
  if (change.type !== "advanced-change" || change.status !== "awaiting-cab") return { number: { key: "cab.extra.notAwaiting" } };
  if (startsAt.getTime() < now.getTime() + EXTRA_MEETING_NOTICE_HOURS * 3600_000)
    return { time: { key: "cab.extra.tooSoon", params: { count: EXTRA_MEETING_NOTICE_HOURS } } };
  if (change.windowStart && startsAt >= change.windowStart) return { date: { key: "cab.extra.afterWindow", params: { at: change.windowStart.toISOString() } } };
  return {};
}

/** The board's decisions: only the chair records them, in a meeting in session with a quorum. */
export const CAB_DECISIONS = ["CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS", "CAB_DEFER", "CAB_REJECT"] as const;
export const isCabDecision = (event: string): boolean => (CAB_DECISIONS as readonly string[]).includes(event);

export type MeetingFacts = {
  status: CabMeetingStatus;
  startsAt: Date;
  chairId: number | null;
  adjustedAt: Date | null;
  /** Members and substitutes recorded present. */
  present: number;
  /** The accounts recorded present (members; substitutes without an account are not in it). */
  presentUserIds: readonly number[];
  /** Members besides the chair the meeting needs: the quorum it opened under, or the board's now. */
  quorum: number;
};

/** Whether `present` members (besides the chair) make the quorum of `quorum`. */
export function quorumProblem(present: number, quorum: number): Problem | null {
  return present >= quorum ? null : { key: "cab.session.noQuorum", params: { count: quorum, present } };
}

/** What stands in the way of opening the meeting at `now` with `present` members. */
export function openingProblem(meeting: Pick<MeetingFacts, "status" | "startsAt" | "quorum">, present: number, now: Date): Problem | null {
  if (meeting.status !== "scheduled") return { key: "cab.session.notScheduled" };
  const opens = new Date(meeting.startsAt.getTime() - MEETING_OPENS_MINUTES_BEFORE * 60_000);
  if (now < opens) return { key: "cab.session.tooEarly", params: { at: opens.toISOString() } };
  return quorumProblem(present, meeting.quorum);
}

/** What stands in the way of `userId` recording a board decision in the meeting. */
export function decisionProblem(meeting: MeetingFacts | undefined, userId: number | null): Problem | null {
  if (!meeting || meeting.status !== "in-session") return { key: "cab.session.notInSession" };
  if (userId === null || meeting.chairId !== userId) return { key: "cab.session.notChair" };
  return quorumProblem(meeting.present, meeting.quorum);
}

/** What stands in the way of member `userId` voting: before the meeting anyone may (an advance vote), in session only those present, after it nobody. */
export function votingProblem(meeting: MeetingFacts, userId: number): Problem | null {
  if (meeting.status === "closed" || meeting.status === "cancelled") return { key: "cab.session.votingClosed" };
  if (meeting.status === "in-session" && !meeting.presentUserIds.includes(userId)) return { key: "cab.session.voteNotPresent" };
  return null;
}

/** What stands in the way of `userId` closing the meeting: only its chair closes it, while it is in session. */
export function closingProblem(meeting: MeetingFacts, userId: number): Problem | null {
  if (meeting.status !== "in-session") return { key: "cab.session.notOpen" };
  return meeting.chairId === userId ? null : { key: "cab.session.notChair" };
}

/** What stands in the way of `userId` adjusting the minutes: a member present, not the chair, once the meeting is closed. */
export function adjustingProblem(meeting: MeetingFacts, userId: number): Problem | null {
  if (meeting.adjustedAt) return { key: "cab.session.locked" };
  if (meeting.status !== "closed") return { key: "cab.session.notClosed" };
  if (meeting.chairId === userId) return { key: "cab.session.chairAdjusts" };
  return meeting.presentUserIds.includes(userId) ? null : { key: "cab.session.notPresent" };
}

export const isEmpty = (problems: Problems) => Object.keys(problems).length === 0;
