import { and, assign, setup } from "xstate";

import type { CaseEvent } from "./events";
import { isEmpty, permitted, reasonProblems } from "./rules";

/**
 * Standing access without admin rights ("applikationskonfiguration/felsökning utan
 * administrationsbehörighet"): user-level access with no end date, only with the system owner's
 * recorded consent and a reference to the agreement; reviewed every year, revocable any time.
 */
export type StandingAccessContext = {
  caseType: "standing-access";
  /** When the consent (or the last review) is due for review again: YYYY-MM-DD. */
  reviewDueOn: string | null;
};

export const STANDING_ACCESS_MACHINE_VERSION = 1;

/** A year after `now`, as a date. */
const aYearAfter = (now: string) => {
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.toISOString().slice(0, 10);
};

export const standingAccessMachine = setup({
  types: {} as { context: StandingAccessContext; events: CaseEvent; input: Partial<StandingAccessContext> | undefined },
  guards: {
    allowed: ({ event }) => permitted(event.type, event.actor),
    hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
  },
  actions: {
    scheduleReview: assign({ reviewDueOn: ({ event }) => aYearAfter(event.now) }),
  },
}).createMachine({
  id: "standing-access",
  context: () => ({ caseType: "standing-access", reviewDueOn: null }),
  initial: "draft",
  states: {
    draft: {
      on: {
        // The details change (the service writes them); the state stays a draft.
        EDIT: { guard: "allowed", target: "draft" },
        SUBMIT: { guard: "allowed", target: "awaiting-consent" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    "awaiting-consent": {
      on: {
        CONSENT: { guard: "allowed", target: "active", actions: "scheduleReview" },
        REFUSE_CONSENT: { guard: and(["allowed", "hasReason"]), target: "refused" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    active: {
      on: {
        REVIEW_DUE: { guard: "allowed", target: "review-due" },
        REVOKE_ACCESS: { guard: and(["allowed", "hasReason"]), target: "revoked" },
      },
    },
    "review-due": {
      on: {
        REVIEW: { guard: "allowed", target: "active", actions: "scheduleReview" },
        REVOKE_ACCESS: { guard: and(["allowed", "hasReason"]), target: "revoked" },
      },
    },
    refused: { type: "final" },
    revoked: { type: "final" },
    cancelled: { type: "final" },
  },
});
