import { and, assign, setup } from "xstate";

import type { CaseEvent } from "./events";
import { INCIDENT_OUTCOMES } from "./vocabulary";
import { approvalProblems, isEmpty, permitted, reasonProblems, windowProblems, type Window } from "./rules";

/**
 * Emergency troubleshooting with admin rights ("akut felsökning"): an incident (INC), or a
 * service request without an outage (BEG). Access now, time-boxed (default 4 h, at most 24 h);
 * the service centre approves and the window opens at once. From an incident a linked planned
 * change can be created (a new case, not a transition of this one).
 */
export type EmergencyContext = {
  caseType: "emergency";
  window: Window | null;
  outcome: string | null;
};

export const EMERGENCY_MACHINE_VERSION = 1;

export const emergencyMachine = setup({
  types: {} as { context: EmergencyContext; events: CaseEvent; input: Partial<EmergencyContext> | undefined },
  guards: {
    allowed: ({ event }) => permitted(event.type, event.actor),
    windowOk: ({ context, event }) => isEmpty(windowProblems("emergency", context.window, new Date(event.now))),
    approvable: ({ event }) => "conflicts" in event && isEmpty(approvalProblems(event)),
    hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
    incidentOutcome: ({ event }) => event.type === "REPORT_OUTCOME" && (INCIDENT_OUTCOMES as readonly string[]).includes(event.outcome),
  },
  actions: {
    edit: assign({ window: ({ context, event }) => (event.type === "EDIT" && event.window ? event.window : context.window) }),
    outcome: assign({ outcome: ({ event }) => (event.type === "REPORT_OUTCOME" ? event.outcome : null) }),
  },
}).createMachine({
  id: "emergency",
  context: ({ input }) => ({ caseType: "emergency", window: input?.window ?? null, outcome: null }),
  initial: "draft",
  states: {
    draft: {
      on: {
        EDIT: { guard: "allowed", actions: "edit" },
        SUBMIT: { guard: and(["allowed", "windowOk"]), target: "submitted" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    submitted: {
      on: {
        START_REVIEW: { guard: "allowed", target: "in-review" },
        APPROVE: { guard: and(["allowed", "approvable"]), target: "approved" },
        RETURN: { guard: and(["allowed", "hasReason"]), target: "returned" },
        REJECT: { guard: and(["allowed", "hasReason"]), target: "rejected" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    "in-review": {
      on: {
        APPROVE: { guard: and(["allowed", "approvable"]), target: "approved" },
        RETURN: { guard: and(["allowed", "hasReason"]), target: "returned" },
        REJECT: { guard: and(["allowed", "hasReason"]), target: "rejected" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    returned: {
      on: {
        EDIT: { guard: "allowed", actions: "edit" },
        SUBMIT: { guard: and(["allowed", "windowOk"]), target: "submitted" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    approved: {
      on: {
        WINDOW_OPENED: { guard: "allowed", target: "window-open" },
        WINDOW_CLOSED: { guard: "allowed", target: "window-closed" },
        CANCEL: { guard: "allowed", target: "cancelled" },
      },
    },
    "window-open": { on: { WINDOW_CLOSED: { guard: "allowed", target: "window-closed" } } },
    "window-closed": {
      on: { REPORT_OUTCOME: { guard: and(["allowed", "incidentOutcome"]), target: "outcome-reported", actions: "outcome" } },
    },
    "outcome-reported": { on: { CLOSE: { guard: "allowed", target: "closed" } } },
    closed: { type: "final" },
    rejected: { type: "final" },
    cancelled: { type: "final" },
  },
});
