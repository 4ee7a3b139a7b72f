import type { Actor, Window } from "./rules";
import type { Outcome } from "./vocabulary";

/**
 * Every event carries the facts the guards need, computed by the server before it asks the
 * machine: who sends it (`actor`) and when (`now`, ISO 8601). The machines read nothing else.
 */
type Base<T extends string> = { type: T; actor: Actor; now: string };

export type OutcomeValue = Outcome;

export type CaseEvent =
  | (Base<"EDIT"> & { window?: Window })
  | Base<"SUBMIT">
  | (Base<"CANCEL"> & { reason?: string })
  | Base<"START_REVIEW">
  | (Base<"RETURN"> & { reason: string })
  | (Base<"APPROVE"> & { conflicts: number; reason?: string; allowLongWindow?: boolean })
  | (Base<"REJECT"> & { reason: string })
  | (Base<"RECLASSIFY"> & { reason?: string })
  | Base<"REFER_TO_CAB">
  | (Base<"CAB_APPROVE"> & { conflicts: number; reason?: string; allowLongWindow?: boolean })
  | (Base<"CAB_APPROVE_WITH_CONDITIONS"> & { conflicts: number; conditions: string; reason?: string; allowLongWindow?: boolean })
  | (Base<"CAB_DEFER"> & { reason?: string; meetingId?: number })
  /** After a deferral, the requester's new window; the server adds the lead time's and the meeting's facts. */
  | (Base<"PROPOSE_WINDOW"> & { window: Window; reason?: string; submittedAt: string | null; meetingStartsAt: string | null })
  | (Base<"CAB_REJECT"> & { reason: string })
  | Base<"WINDOW_OPENED">
  | Base<"WINDOW_CLOSED">
  | (Base<"REPORT_OUTCOME"> & { outcome: OutcomeValue; comment?: string })
  | (Base<"CLOSE"> & { reason?: string })
  | (Base<"CONSENT"> & { reason?: string; until?: string })
  | (Base<"REFUSE_CONSENT"> & { reason: string })
  | Base<"REVIEW_DUE">
  | (Base<"REVIEW"> & { reason?: string; until?: string })
  | Base<"CONSENT_ENDED">
  | Base<"ACCOUNT_CREATED">
  | Base<"ACCOUNT_REMOVED">
  | (Base<"REVOKE_ACCESS"> & { reason: string });

export type WindowEvent =
  | Base<"GRANT">
  | (Base<"REVOKE"> & { reason?: string })
  | (Base<"END"> & { reason?: string })
  | (Base<"REQUEST_EXTENSION"> & { end: string; reason: string })
  | (Base<"APPROVE_EXTENSION"> & { conflicts: number; freezes?: number; overrideFreeze?: boolean; reason?: string; end?: string })
  | (Base<"REFUSE_EXTENSION"> & { reason: string })
  | Base<"EXPIRE">
  | Base<"CASE_CANCELLED">;

export type CaseEventType = CaseEvent["type"];
export type WindowEventType = WindowEvent["type"];
