import { and, assign, setup } from "xstate";

import type { CaseEvent } from "./events";
import { CHANGE_OUTCOMES } from "./vocabulary";
import {
  approvalProblems,
  freezeProblems,
  reproposalProblems,
  isEmpty,
  longWindowProblems,
  permitted,
  reasonProblems,
  submissionProblems,
  type CaseType,
  type Window,
} from "./rules";

/**
 * Planned changes with admin rights (CHG). Simple: the service centre approves. Advanced: the
 * change advisory board decides. Both need their lead time in working days at submission; a
 * simple change can be reclassified as advanced (the service then continues in the advanced
 * machine and checks the lead time again).
 */
export type ChangeContext = {
  caseType: Extract<CaseType, "simple-change" | "advanced-change">;
  window: Window | null;
  allowLongWindow: boolean;
  /** Approved into a freeze on the service centre's explicit override (shown on the case, in the minutes, on the schedule). */
  freezeOverridden?: boolean;
  /** Deferred by the board, and no new window proposed since (the requester may propose one). */
  deferred?: boolean;
  conditions: string | null;
  outcome: string | null;
};

export const CHANGE_MACHINE_VERSION = 1;

/** The service centre's own decisions: it approves a simple change or hands it to the advanced process. */
const SIMPLE_DECISIONS = {
  APPROVE: { guard: and(["allowed", "approvable"]), target: "approved", actions: ["allowLong", "freezeOverride"] },
  RECLASSIFY: { guard: "allowed", target: "reclassified" },
} as const;

/** An advanced change is not approved by the service centre: it is referred to the board. */
const ADVANCED_DECISIONS = { REFER_TO_CAB: { guard: "allowed", target: "awaiting-cab" } } as const;

/** The change advisory board's decisions on an advanced change. */
const AWAITING_CAB = {
  on: {
    CAB_APPROVE: { guard: and(["allowed", "approvable"]), target: "approved", actions: ["allowLong", "freezeOverride"] },
    CAB_APPROVE_WITH_CONDITIONS: {
      guard: and(["allowed", "approvable", "hasConditions"]),
      target: "approved",
      actions: ["conditions", "allowLong", "freezeOverride"],
    },
    // Deferred to a later meeting: the case stays with the board.
    CAB_DEFER: { guard: "allowed", target: "awaiting-cab", reenter: true, actions: "deferred" },
    // After a deferral the requester may propose a new window for the next meeting (once per deferral).
    PROPOSE_WINDOW: { guard: and(["allowed", "wasDeferred", "proposable"]), actions: "propose" },
    CAB_REJECT: { guard: and(["allowed", "hasReason"]), target: "rejected" },
    RETURN: { guard: and(["allowed", "hasReason"]), target: "returned" },
    CANCEL: { guard: "allowed", target: "cancelled" },
  },
} as const;

function createChangeMachine(kind: "simple-change" | "advanced-change") {
  return setup({
    types: {} as { context: ChangeContext; events: CaseEvent; input: Partial<ChangeContext> | undefined },
    guards: {
      allowed: ({ event }) => permitted(event.type, event.actor),
      windowOk: ({ context, event }) => isEmpty(submissionProblems(context.caseType, context.window, new Date(event.now))),
      approvable: ({ context, event }) =>
        "conflicts" in event &&
        isEmpty(approvalProblems(event)) &&
        isEmpty(freezeProblems(context.caseType, event as { freezes?: number; overrideFreeze?: boolean })) &&
        isEmpty(longWindowProblems(context.caseType, context.window, event as { allowLongWindow?: boolean })),
      changeOutcome: ({ event }) => event.type === "REPORT_OUTCOME" && (CHANGE_OUTCOMES as readonly string[]).includes(event.outcome),
      wasDeferred: ({ context }) => context.deferred === true,
      proposable: ({ context, event }) =>
        event.type === "PROPOSE_WINDOW" &&
        isEmpty(reproposalProblems(context.caseType, event.window, { submittedAt: event.submittedAt, meetingStartsAt: event.meetingStartsAt, now: event.now })),
      hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
      hasConditions: ({ event }) => event.type === "CAB_APPROVE_WITH_CONDITIONS" && event.conditions.trim().length > 0,
    },
    actions: {
      edit: assign({ window: ({ context, event }) => (event.type === "EDIT" && event.window ? event.window : context.window) }),
      allowLong: assign({
        allowLongWindow: ({ context, event }) =>
          "allowLongWindow" in event ? Boolean(event.allowLongWindow) || context.allowLongWindow : context.allowLongWindow,
      }),
      deferred: assign({ deferred: true }),
      propose: assign({
        window: ({ context, event }) => (event.type === "PROPOSE_WINDOW" ? event.window : context.window),
        deferred: false,
      }),
      freezeOverride: assign({
        freezeOverridden: ({ event }) =>
          Number((event as { freezes?: number }).freezes ?? 0) > 0 && (event as { overrideFreeze?: boolean }).overrideFreeze === true,
      }),
      conditions: assign({ conditions: ({ event }) => (event.type === "CAB_APPROVE_WITH_CONDITIONS" ? event.conditions : null) }),
      outcome: assign({ outcome: ({ event }) => (event.type === "REPORT_OUTCOME" ? event.outcome : null) }),
    },
  }).createMachine({
    id: kind,
    context: ({ input }) => ({
      caseType: kind,
      window: input?.window ?? null,
      allowLongWindow: input?.allowLongWindow ?? false,
      conditions: null,
      outcome: null,
    }),
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
          RETURN: { guard: and(["allowed", "hasReason"]), target: "returned" },
          REJECT: { guard: and(["allowed", "hasReason"]), target: "rejected" },
          CANCEL: { guard: "allowed", target: "cancelled" },
          // Only the kind's own decisions exist: a simple change is approved here, an advanced one goes to the board.
          ...(kind === "simple-change" ? SIMPLE_DECISIONS : ADVANCED_DECISIONS),
        },
      },
      "in-review": {
        on: {
          RETURN: { guard: and(["allowed", "hasReason"]), target: "returned" },
          REJECT: { guard: and(["allowed", "hasReason"]), target: "rejected" },
          CANCEL: { guard: "allowed", target: "cancelled" },
          ...(kind === "simple-change" ? SIMPLE_DECISIONS : ADVANCED_DECISIONS),
        },
      },
      returned: {
        on: {
          EDIT: { guard: "allowed", actions: "edit" },
          SUBMIT: { guard: and(["allowed", "windowOk"]), target: "submitted" },
          CANCEL: { guard: "allowed", target: "cancelled" },
        },
      },
      // Only an advanced change meets the board; only a simple one can be handed over to that process.
      ...(kind === "advanced-change" ? { "awaiting-cab": AWAITING_CAB } : { reclassified: { type: "final" as const } }),
      // Approved: the access window is scheduled.
      approved: {
        on: {
          WINDOW_OPENED: { guard: "allowed", target: "window-open" },
          // A window that ends without ever being opened still needs its outcome.
          WINDOW_CLOSED: { guard: "allowed", target: "window-closed" },
          CANCEL: { guard: "allowed", target: "cancelled" },
        },
      },
      "window-open": { on: { WINDOW_CLOSED: { guard: "allowed", target: "window-closed" } } },
      "window-closed": { on: { REPORT_OUTCOME: { guard: and(["allowed", "changeOutcome"]), target: "outcome-reported", actions: "outcome" } } },
      "outcome-reported": { on: { CLOSE: { guard: "allowed", target: "closed" } } },
      closed: { type: "final" },
      rejected: { type: "final" },
      cancelled: { type: "final" },
    },
  });
}

export const simpleChangeMachine = createChangeMachine("simple-change");
export const advancedChangeMachine = createChangeMachine("advanced-change");
