/**
 * The portal's words: roles, kinds of organisation, case types, the states a case and a window
 * can be in and how they group, outcomes, votes, the time zone. One list each, read by the
 * database schema (enums), the machines, the services and the pages alike. It imports nothing, so
 * the browser may load it without pulling in the schema or a machine.
 */

export const TIME_ZONE = "Europe/Stockholm";

export const ROLES = ["requester", "service-centre", "cab", "operations", "supplier", "system-owner", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = ["municipal-unit", "service-centre", "supplier", "operations-provider"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Confidentiality levels of the municipality's information classification. */
export const INFORMATION_CLASSES = ["open", "internal", "confidential", "strictly-confidential"] as const;
export type InformationClass = (typeof INFORMATION_CLASSES)[number];

export const USER_STATUSES = ["invited", "active", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const CASE_TYPES = ["emergency", "simple-change", "advanced-change", "standing-access"] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/** Every state a case can be in (the machines' states), in the order a case usually passes through them. */
export const CASE_STATUSES = [
  "draft",
  "submitted",
  "in-review",
  "returned",
  "awaiting-cab",
  "approved",
  "window-open",
  "window-closed",
  "outcome-reported",
  "closed",
  "rejected",
  "cancelled",
  "awaiting-consent",
  "active",
  "review-due",
  "revoked",
  "refused",
  "expired",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Cases whose window is planned or running: these are what a new window can conflict with. */
export const ACTIVE_STATUSES = ["submitted", "in-review", "awaiting-cab", "approved", "window-open"] as const satisfies readonly CaseStatus[];
/** Cases on the forward schedule: active ones and those whose window has run. */
export const SCHEDULE_STATUSES = [...ACTIVE_STATUSES, "window-closed", "outcome-reported", "closed"] as const satisfies readonly CaseStatus[];
/** Approved changes the public may see on the status page (when they affect users). */
export const PUBLIC_STATUSES = ["approved", "window-open", "window-closed", "outcome-reported", "closed"] as const satisfies readonly CaseStatus[];
/** Cases waiting for the requester's side: complete, report the outcome, review. */
export const ATTENTION_STATUSES = ["returned", "window-closed", "review-due"] as const satisfies readonly CaseStatus[];
/** Cases after which nothing more happens. */
export const FINISHED_STATUSES = ["closed", "rejected", "cancelled", "revoked", "refused", "expired"] as const satisfies readonly CaseStatus[];
/** Standing access: waiting for the owner, or in force. */
export const STANDING_OPEN_STATUSES = ["awaiting-consent", "review-due", "active"] as const satisfies readonly CaseStatus[];
/** Standing access that ended (refused, revoked, its consent ended, or cancelled). */
export const STANDING_ENDED_STATUSES = ["refused", "revoked", "expired", "cancelled"] as const satisfies readonly CaseStatus[];

export function isCaseStatus(value: unknown): value is CaseStatus {
  return CASE_STATUSES.some((status) => status === value);
}

/** A machine's state name as a case status; a state the vocabulary does not know is a programming error. */
export function caseStatusOf(value: string): CaseStatus {
  if (!isCaseStatus(value)) throw new Error(`"${value}" is not a case status (machines/vocabulary.ts).`);
  return value;
}

/** How the schedule groups a case's status (its legend and colours). */
export const SCHEDULE_STATES = ["pending", "approved", "open", "done"] as const;
export type ScheduleState = (typeof SCHEDULE_STATES)[number];
export function scheduleStateOf(status: string): ScheduleState {
  switch (status) {
    case "approved":
      return "approved";
    case "window-open":
      return "open";
    case "window-closed":
    case "outcome-reported":
    case "closed":
      return "done";
    default:
      return "pending";
  }
}

/** The states of an access window (its machine's). */
export const WINDOW_STATES = ["scheduled", "open", "closed", "cancelled"] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

/** The window machine's state name as a window status. */
export function windowStateOf(value: string): WindowState {
  const state = WINDOW_STATES.find((known) => known === value);
  if (!state) throw new Error(`"${value}" is not an access window state (machines/vocabulary.ts).`);
  return state;
}

/** Outcomes a requester reports: of a planned change, and of an incident. */
export const CHANGE_OUTCOMES = ["successful", "failed", "rolled-back"] as const;
export const INCIDENT_OUTCOMES = ["resolved", "needs-change", "not-resolved"] as const;
export const OUTCOMES = [...CHANGE_OUTCOMES, ...INCIDENT_OUTCOMES] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** The outcomes a case of `type` may report. */
export const outcomesFor = (type: CaseType): readonly Outcome[] => (type === "emergency" ? INCIDENT_OUTCOMES : CHANGE_OUTCOMES);

export const CAB_VOTES = ["approve", "reject", "abstain"] as const;
/**
 * A CAB meeting's life: planned → in session (the chair opened it with who is present) → closed →
 * its minutes adjusted ("justerat") and locked; or cancelled before it is held.
 */
export const CAB_MEETING_STATUSES = ["scheduled", "in-session", "closed", "cancelled"] as const;
export type CabMeetingStatus = (typeof CAB_MEETING_STATUSES)[number];
export type CabVote = (typeof CAB_VOTES)[number];

/** How often a freeze comes back: every week (e.g. Fridays after 15:00) or every year (e.g. 20 Dec – 6 Jan). */
export const FREEZE_REPEATS = ["weekly", "yearly"] as const;
export type FreezeRepeats = (typeof FREEZE_REPEATS)[number];
