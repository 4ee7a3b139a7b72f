import { initialTransition, transition, type AnyStateMachine } from "xstate";

import { accessWindowMachine, ACCESS_WINDOW_MACHINE_VERSION, type WindowContext } from "./access-window";
import { advancedChangeMachine, CHANGE_MACHINE_VERSION, simpleChangeMachine } from "./change";
import { emergencyMachine, EMERGENCY_MACHINE_VERSION } from "./emergency";
import type { CaseEvent, WindowEvent } from "./events";
import type { CaseType } from "./rules";
import { standingAccessMachine, STANDING_ACCESS_MACHINE_VERSION } from "./standing-access";

export * from "./events";
export * from "./rules";
export { caseStatusOf, isCaseStatus, windowStateOf } from "./vocabulary";
export type { CaseStatus, WindowState } from "./vocabulary";
export { accessWindowMachine, advancedChangeMachine, emergencyMachine, simpleChangeMachine, standingAccessMachine };
export { extensionProblems, grantProblems, GRANT_EARLY_MS, grantOpensAt, MAX_EXTENSION_HOURS, MAX_EXTENSION_MS } from "./access-window";
export type { WindowContext };

/**
 * The process, one machine per case type plus the access window. The server persists a
 * machine's state as `{ value, context }` with the machine's version beside it, restores it
 * with `resolveState`, and moves it with the pure `transition` — no actors, no timers, no I/O.
 */
export const CASE_MACHINES: Record<CaseType, { machine: AnyStateMachine; version: number }> = {
  emergency: { machine: emergencyMachine, version: EMERGENCY_MACHINE_VERSION },
  "simple-change": { machine: simpleChangeMachine, version: CHANGE_MACHINE_VERSION },
  "advanced-change": { machine: advancedChangeMachine, version: CHANGE_MACHINE_VERSION },
  "standing-access": { machine: standingAccessMachine, version: STANDING_ACCESS_MACHINE_VERSION },
};
export const WINDOW_MACHINE = { machine: accessWindowMachine, version: ACCESS_WINDOW_MACHINE_VERSION };

export type Persisted = { value: string; context: Record<string, unknown> };

function restore(machine: AnyStateMachine, persisted: Persisted) {
  return machine.resolveState({ value: persisted.value, context: persisted.context });
}

function persist(snapshot: { value: unknown; context: unknown }): Persisted {
  return { value: String(snapshot.value), context: snapshot.context as Record<string, unknown> };
}

export function initialCase(type: CaseType, input: Record<string, unknown>): Persisted {
  const [snapshot] = initialTransition(CASE_MACHINES[type].machine, input as never);
  return persist(snapshot);
}

export function initialWindow(input: Pick<WindowContext, "caseType" | "start" | "end">): Persisted {
  const [snapshot] = initialTransition(accessWindowMachine, input);
  return persist(snapshot);
}

/** Whether the state accepts the event (all guards included). */
export function canCase(type: CaseType, persisted: Persisted, event: CaseEvent): boolean {
  return restore(CASE_MACHINES[type].machine, persisted).can(event as never);
}

export function canWindow(persisted: Persisted, event: WindowEvent): boolean {
  return restore(accessWindowMachine, persisted).can(event);
}

/** The next state, or undefined when the event is not accepted. */
export function stepCase(type: CaseType, persisted: Persisted, event: CaseEvent): Persisted | undefined {
  const machine = CASE_MACHINES[type].machine;
  const snapshot = restore(machine, persisted);
  if (!snapshot.can(event as never)) return undefined;
  return persist(transition(machine, snapshot, event as never)[0]);
}

export function stepWindow(persisted: Persisted, event: WindowEvent): Persisted | undefined {
  const snapshot = restore(accessWindowMachine, persisted);
  if (!snapshot.can(event)) return undefined;
  return persist(transition(accessWindowMachine, snapshot, event)[0]);
}

/** Whether the state accepts the event type at all, whoever sends it (for 409 versus 403/422). */
export function stateAccepts(machine: AnyStateMachine, persisted: Persisted, eventType: string): boolean {
  const node = machine.getStateNodeById(`${machine.id}.${persisted.value}`);
  return Boolean(node.on[eventType]?.length);
}

/** Every event type a machine knows. */
export function eventTypesOf(machine: AnyStateMachine): string[] {
  return [...new Set(machine.events)];
}
