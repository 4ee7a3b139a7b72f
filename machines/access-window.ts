import { and, assign, setup } from "xstate";

import type { WindowEvent } from "./events";
import { approvalProblems, freezeProblems, isEmpty, permitted, reasonProblems, type CaseType, type Problems } from "./rules";

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
/** When operations may open a window that starts at `start`. */
export const grantOpensAt = (start: string | Date) => new Date(new Date(start).getTime() - GRANT_EARLY_MS);
/** One extension adds at most this much. */
export const MAX_EXTENSION_HOURS = 24;
export const MAX_EXTENSION_MS = MAX_EXTENSION_HOURS * 60 * 60 * 1000;

/**
 * What is wrong with asking to move an open window's end to `end`: not later than the current
 * end, more than MAX_EXTENSION_HOURS later, or another request still waiting. Problems by field
 * (`end`, `_form`), for the machine's guard and for the supplier's form alike.
 */
export function extensionProblems(window: Pick<WindowContext, "end" | "pendingExtension">, end: string): Problems {
  if (window.pendingExtension) return { _form: { key: "supplier.extend.pending" } };
  const asked = Date.parse(end);
  const current = Date.parse(window.end);
  if (Number.isNaN(asked)) return { end: { key: "validation.invalid" } };
  if (asked <= current) return { end: { key: "supplier.extend.notLater", params: { end: window.end } } };
  if (asked - current > MAX_EXTENSION_MS) return { end: { key: "supplier.extend.tooLong", params: { hours: MAX_EXTENSION_HOURS } } };
  return {};
}

/**
 * What stands in the way of granting an extension to `end` (none given: the end asked for). The
 * service centre may grant less than asked: any end after the current one, up to the one asked for.
 */
export function grantProblems(window: Pick<WindowContext, "end" | "pendingExtension">, end?: string): Problems {
  if (!window.pendingExtension) return { _form: { key: "supplier.extend.none" } };
  if (end === undefined) return {};
  const granted = Date.parse(end);
  if (Number.isNaN(granted)) return { end: { key: "validation.invalid" } };
  if (granted <= Date.parse(window.end)) return { end: { key: "supplier.extend.notLater", params: { end: window.end } } };
  if (granted > Date.parse(window.pendingExtension.end)) return { end: { key: "extension.grant.beyondAsked", params: { end: window.pendingExtension.end } } };
  return {};
}

export const accessWindowMachine = setup({
  types: {} as { context: WindowContext; events: WindowEvent; input: Pick<WindowContext, "caseType" | "start" | "end"> },
  guards: {
    allowed: ({ event }) => permitted(event.type, event.actor),
    started: ({ context, event }) => new Date(event.now) >= grantOpensAt(context.start),
    notOver: ({ context, event }) => new Date(event.now) < new Date(context.end),
    over: ({ context, event }) => new Date(event.now) >= new Date(context.end),
    extensionOk: ({ context, event }) => event.type === "REQUEST_EXTENSION" && isEmpty(reasonProblems(event)) && isEmpty(extensionProblems(context, event.end)),
    extensionPending: ({ context }) => context.pendingExtension !== null,
    // An extension into a freeze holds as an approval does: only on the service centre's explicit override.
    approvable: ({ context, event }) =>
      "conflicts" in event &&
      isEmpty(approvalProblems(event)) &&
      isEmpty(freezeProblems(context.caseType, event as { freezes?: number; overrideFreeze?: boolean })),
    hasReason: ({ event }) => isEmpty(reasonProblems(event as { reason?: string })),
    grantable: ({ context, event }) => event.type === "APPROVE_EXTENSION" && isEmpty(grantProblems(context, event.end)),
  },
  actions: {
    requestExtension: assign({
      pendingExtension: ({ event }) => (event.type === "REQUEST_EXTENSION" ? { end: event.end, reason: event.reason, requestedBy: event.actor.userId } : null),
    }),
    extend: assign({
      // The end granted: the one asked for, or an earlier one the service centre chose.
      end: ({ context, event }) => (event.type === "APPROVE_EXTENSION" && event.end) || context.pendingExtension?.end || context.end,
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
        APPROVE_EXTENSION: { guard: and(["allowed", "notOver", "extensionPending", "grantable", "approvable"]), actions: "extend" },
        REFUSE_EXTENSION: { guard: and(["allowed", "extensionPending", "hasReason"]), actions: "dropExtension" },
      },
    },
    closed: { type: "final" },
    cancelled: { type: "final" },
  },
});
