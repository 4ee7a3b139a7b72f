/**
 * The rules the case machines enforce, as pure functions over plain data: who may send which
 * event, and what makes an event's content acceptable. The machines use them as guards; the
 * transition service uses the same functions to tell a refused permission (403) from a refused
 * content (422) and from a state that does not allow the event at all (409).
 */
import { CASE_TYPES, type CaseType, type Role } from "./vocabulary";
import { earliestStart, stockholmDate, stockholmMidnight } from "./calendar";

export { CASE_TYPES };
export type { CaseType };

/** What the server knows about the person (or the system itself) sending an event. */
export type Actor = {
  userId: number | null;
  role: Role | "system";
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
  role: "system",
  isRequester: false,
  administersSystem: false,
  ownsSystem: false,
  ofSupplier: false,
};

export type Window = { start: string; end: string };

/** A problem with an event's content, keyed by field, as a translation key and parameters. */
export type Problem = { key: string; params?: Record<string, string | number> };
export type Problems = Record<string, Problem>;

const HOUR = 60 * 60 * 1000;
export const MAX_WINDOW_HOURS: Record<CaseType, number> = {
  emergency: 24,
  "simple-change": 72,
  "advanced-change": 72,
  "standing-access": 0,
};
export const DEFAULT_EMERGENCY_HOURS = 4;

const requesterSide = (a: Actor) => a.role === "requester" && (a.isRequester || a.administersSystem);
const serviceCentre = (a: Actor) => a.role === "service-centre" && !a.isRequester;
const systemOwner = (a: Actor) => a.role === "system-owner" && a.ownsSystem && !a.isRequester;
const operations = (a: Actor) => a.role === "operations";
const supplierSide = (a: Actor) => (a.role === "supplier" && a.ofSupplier) || requesterSide(a);
const theSystem = (a: Actor) => a.role === "system";

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
  REPORT_OUTCOME: requesterSide,
  CLOSE: serviceCentre,
  CONSENT: systemOwner,
  REFUSE_CONSENT: systemOwner,
  REVIEW: systemOwner,
  REVOKE_ACCESS: (a) => systemOwner(a) || serviceCentre(a) || requesterSide(a),
  GRANT: operations,
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

/** An approval despite known conflicts needs a reason. */
export function approvalProblems(event: { conflicts?: number; reason?: string }): Problems {
  return (event.conflicts ?? 0) > 0 && !event.reason?.trim() ? { reason: { key: "case.conflictReasonRequired" } } : {};
}

export function reasonProblems(event: { reason?: string }): Problems {
  return event.reason?.trim() ? {} : { reason: { key: "case.reasonRequired" } };
}

export const isEmpty = (problems: Problems) => Object.keys(problems).length === 0;
