import { and, assign, setup } from "xstate";

import type { WindowEvent } from "./events";
import { approvalProblems, isEmpty, permitted, reasonProblems, type CaseType } from "./rules";

/**
 * The access window a case owns once approved: scheduled → open (operations granted access and
 * suppressed monitoring) → closed (revoked by operations, ended early by the supplier, or expired
 * at its end — enforced by the server, never left to memory). Extensions are asked for while the
 * window is open and decided by the service centre.
 */
export type WindowContext = {
  caseType: Extract<CaseType, "emergency" | "simple-change" | "advanced-change">;
  start: string;
  end: string;
  pendingExtension: { end: string; reason: string; requestedBy: number | null } | null;
  closedBy: "revoked" | "ended" | "expired" | null;
};

export const ACCESS_WINDOW_MACHINE_VERSION = 1;

/** Operations may open the access a little before the window starts, to be ready on time. */
export const GRANT_EARLY_MS = 15 * 60 * 1000;
/** One extension adds at most this much. */
export const MAX_EXTENSION_MS = 24 * 60 * 60 * 1000;

export const accessWindowMachine = setup({
  types: {} as { context: WindowContext; events: WindowEvent; input: Pick<WindowContext, "caseType" | "start" | "end"> },
  guards: {
    allowed: ({ event }) => permitted(event.type, event.actor),
    started: ({ context, event }) => new Date(event.now).getTime() >= new Date(context.start).getTime() - GRANT_EARLY_MS,
    notOver: ({ context, event }) => new Date(event.now) < new Date(context.end),
    over: ({ context, event }) => new Date(event.now) >= new Date(context.end),
    extensionOk: ({ context, event }) =>
      event.type === "REQUEST_EXTENSION" &&
      context.pendingExtension === null &&
      isEmpty(reasonProblems(event)) &&
      new Date(event.end) > new Date(context.end) &&
      new Date(event.end).getTime() - new Date(context.end).getTime() <= MAX_EXTENSION_MS,
    extensionPending: ({ context }) => context.pendingExtension !== null,
    approvable: ({ event }) => "conflicts" in event && isEmpty(approvalProblems(event)),
    hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
  },
  actions: {
    requestExtension: assign({
      pendingExtension: ({ event }) =>
        event.type === "REQUEST_EXTENSION" ? { end: event.end, reason: event.reason, requestedBy: event.actor.userId } : null,
    }),
    extend: assign({
      end: ({ context }) => context.pendingExtension?.end ?? context.end,
      pendingExtension: () => null,
    }),
    dropExtension: assign({ pendingExtension: () => null }),
    closedBy: assign({
      closedBy: ({ event }) => (event.type === "REVOKE" ? "revoked" : event.type === "END" ? "ended" : "expired"),
      pendingExtension: () => null,
    }),
  },
}).createMachine({
  id: "access-window",
  context: ({ input }) => ({ ...input, pendingExtension: null, closedBy: null }),
  initial: "scheduled",
  states: {
    scheduled: {
      on: {
        GRANT: { guard: and(["allowed", "started", "notOver"]), target: "open" },
        // A window nobody opened still ends: the case moves on to its outcome.
        EXPIRE: { guard: and(["allowed", "over"]), target: "closed", actions: "closedBy" },
        // The case was cancelled before its window opened: the window goes with it.
        CASE_CANCELLED: { guard: "allowed", target: "cancelled" },
      },
    },
    open: {
      on: {
        REVOKE: { guard: "allowed", target: "closed", actions: "closedBy" },
        END: { guard: "allowed", target: "closed", actions: "closedBy" },
        EXPIRE: { guard: and(["allowed", "over"]), target: "closed", actions: "closedBy" },
        REQUEST_EXTENSION: { guard: and(["allowed", "notOver", "extensionOk"]), actions: "requestExtension" },
        APPROVE_EXTENSION: { guard: and(["allowed", "notOver", "extensionPending", "approvable"]), actions: "extend" },
        REFUSE_EXTENSION: { guard: and(["allowed", "extensionPending", "hasReason"]), actions: "dropExtension" },
      },
    },
    closed: { type: "final" },
    cancelled: { type: "final" },
  },
});
