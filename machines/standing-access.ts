import { and, assign, setup } from "xstate";

import { addWorkingDays, stockholmDate } from "./calendar";
import type { CaseEvent } from "./events";
import { consentEnd, consentProblems, isEmpty, permitted, reasonProblems, reviewDateFor } from "./rules";
import { stockholmLocalToIso } from "./time";

/**
 * Standing access without admin rights ("applikationskonfiguration/felsökning utan
 * administrationsbehörighet"): user-level access only with the system owner's recorded consent
 * and a reference to the agreement. The consent has an end date (at most a year: the yearly
 * review); the owner renews it at the review or it ends by itself (CONSENT_ENDED). Operations
 * creates the accounts after the consent and removes them when the access is revoked or ends:
 * each is a step with a due time, done by operations' ACCOUNT_CREATED / ACCOUNT_REMOVED
 * (decision 019).
 */
export type AccountStep = {
  kind: "create" | "remove";
  /** When it should be done by (ISO instant). */
  dueAt: string;
  doneAt: string | null;
  doneBy: number | null;
  /** A creation not done before the access ended: nothing is created, the removal step follows. */
  cancelledAt?: string | null;
};

export type StandingAccessContext = {
  caseType: "standing-access";
  /** When the consent is up for review (before it ends): YYYY-MM-DD. */
  reviewDueOn: string | null;
  /** The last day the consent holds: YYYY-MM-DD (the access ends the day after). */
  consentUntil: string | null;
  accountSteps: AccountStep[];
};

export const STANDING_ACCESS_MACHINE_VERSION = 2;

/** Operations creates the accounts by the end of the next working day (18:00, the service desk's close). */
export function accountCreationDue(now: string): string {
  return new Date(stockholmLocalToIso(`${addWorkingDays(stockholmDate(new Date(now)), 1)}T18:00`)!).toISOString();
}
/** Access that ended is removed within this many hours, around the clock. */
export const ACCOUNT_REMOVAL_HOURS = 4;
export const accountRemovalDue = (now: string) => new Date(Date.parse(now) + ACCOUNT_REMOVAL_HOURS * 3_600_000).toISOString();

/** The step waiting for operations, if any. */
export function pendingAccountStep(steps: readonly AccountStep[] | undefined): AccountStep | undefined {
  return (steps ?? []).find((s) => s.doneAt === null && !s.cancelledAt);
}

const until = (event: CaseEvent) => consentEnd(event as { until?: string; now: string });

/** The steps once the access ended: a creation that never happened is called off; the removal is asked for all the same (the account may exist). */
function stepsAtEnd(steps: readonly AccountStep[] | undefined, now: string): AccountStep[] {
  return [
    ...(steps ?? []).map((s) => (s.kind === "create" && s.doneAt === null && !s.cancelledAt ? { ...s, cancelledAt: now } : s)),
    { kind: "remove", dueAt: accountRemovalDue(now), doneAt: null, doneBy: null },
  ];
}

/** The steps once operations has done the pending one. */
function stepsDone(steps: readonly AccountStep[] | undefined, now: string, by: number | null): AccountStep[] {
  const pending = pendingAccountStep(steps);
  return (steps ?? []).map((s) => (s === pending ? { ...s, doneAt: now, doneBy: by } : s));
}

export const standingAccessMachine = setup({
  types: {} as { context: StandingAccessContext; events: CaseEvent; input: Partial<StandingAccessContext> | undefined },
  guards: {
    allowed: ({ event }) => permitted(event.type, event.actor),
    hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
    endDateAllowed: ({ event }) => isEmpty(consentProblems(event as { until?: string; now: string })),
    creationPending: ({ context }) => pendingAccountStep(context.accountSteps)?.kind === "create",
    removalPending: ({ context }) => pendingAccountStep(context.accountSteps)?.kind === "remove",
  },
  actions: {
    consented: assign({
      consentUntil: ({ event }) => until(event),
      reviewDueOn: ({ event }) => reviewDateFor(stockholmDate(new Date(event.now)), until(event)),
      accountSteps: ({ context, event }) => [
        ...(context.accountSteps ?? []),
        { kind: "create" as const, dueAt: accountCreationDue(event.now), doneAt: null, doneBy: null },
      ],
    }),
    renewed: assign({
      consentUntil: ({ event }) => until(event),
      reviewDueOn: ({ event }) => reviewDateFor(stockholmDate(new Date(event.now)), until(event)),
    }),
    ended: assign({ accountSteps: ({ context, event }) => stepsAtEnd(context.accountSteps, event.now) }),
    done: assign({ accountSteps: ({ context, event }) => stepsDone(context.accountSteps, event.now, event.actor.userId) }),
  },
}).createMachine({
  id: "standing-access",
  context: () => ({ caseType: "standing-access", reviewDueOn: null, consentUntil: null, accountSteps: [] }),
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
        CONSENT: { guard: and(["allowed", "endDateAllowed"]), target: "active", actions: "consented" },
        REFUSE_CONSENT: { guard: and(["allowed", "hasReason"]), target: "refused" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    active: {
      on: {
        ACCOUNT_CREATED: { guard: and(["allowed", "creationPending"]), target: "active", actions: "done" },
        REVIEW_DUE: { guard: "allowed", target: "review-due" },
        REVOKE_ACCESS: { guard: and(["allowed", "hasReason"]), target: "revoked", actions: "ended" },
        CONSENT_ENDED: { guard: "allowed", target: "expired", actions: "ended" },
      },
    },
    "review-due": {
      on: {
        ACCOUNT_CREATED: { guard: and(["allowed", "creationPending"]), target: "review-due", actions: "done" },
        REVIEW: { guard: and(["allowed", "endDateAllowed"]), target: "active", actions: "renewed" },
        REVOKE_ACCESS: { guard: and(["allowed", "hasReason"]), target: "revoked", actions: "ended" },
        CONSENT_ENDED: { guard: "allowed", target: "expired", actions: "ended" },
      },
    },
    // Ended, but not done with until operations has removed the accounts.
    revoked: { on: { ACCOUNT_REMOVED: { guard: and(["allowed", "removalPending"]), target: "revoked", actions: "done" } } },
    expired: { on: { ACCOUNT_REMOVED: { guard: and(["allowed", "removalPending"]), target: "expired", actions: "done" } } },
    refused: { type: "final" },
    cancelled: { type: "final" },
  },
});
