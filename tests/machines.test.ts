/**
 * The case process as its users meet it, through the pure machines in machines/:
 *
 * 1. graph walks (@xstate/graph): every state of every machine can be reached by the right
 *    people sending the right events, along the routes the process describes;
 * 2. guard tables: who may send which event in which state;
 * 3. business rules: lead times in Swedish working days, window lengths, reasons, extensions.
 *
 * Tests marked `KNOWN BUG` / `DISCREPANCY` assert the rule as specified and are declared with
 * `it.fails` because the machines currently get it wrong; when the machine is fixed the test
 * starts to "fail" (vitest reports the unexpected pass) and the `.fails` must be removed.
 */
import { getShortestPaths, getSimplePaths } from "@xstate/graph";
import { describe, expect, it } from "vitest";
import type { AnyStateMachine } from "xstate";

import {
  CASE_MACHINES,
  CASE_TYPES,
  SYSTEM_ACTOR,
  WINDOW_MACHINE,
  canCase,
  canWindow,
  initialCase,
  initialWindow,
  stateAccepts,
  stepCase,
  stepWindow,
  type Actor,
  type CaseEvent,
  type CaseEventType,
  type CaseType,
  type Persisted,
  type Window,
  type WindowContext,
  type WindowEvent,
  type WindowEventType,
} from "../machines";

// ─── Time ────────────────────────────────────────────────────────────────────────────────────

/** Monday 21 December 2026: the working days after it are 22, 23 and 28 December (24–27 are not). */
const NOW = "2026-12-21T10:00:00+01:00";
/** A change window that meets both lead times when submitted at NOW: four hours on 12 January. */
const WINDOW: Window = { start: "2027-01-12T08:00:00+01:00", end: "2027-01-12T12:00:00+01:00" };
const DURING = "2027-01-12T09:00:00+01:00";
/** Two hours after the window's end: within one extension. */
const LATER_END = "2027-01-12T14:00:00+01:00";

const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const plusHours = (iso: string, hours: number) => plusMinutes(iso, hours * 60);
const windowOf = (start: string, hours: number): Window => ({ start, end: plusHours(start, hours) });

// ─── People ──────────────────────────────────────────────────────────────────────────────────

const person = (role: Actor["roles"][number], facts: Partial<Actor> = {}): Actor => ({
  userId: 1,
  roles: [role],
  isRequester: false,
  administersSystem: false,
  ownsSystem: false,
  ofSupplier: false,
  ...facts,
});

const ACTORS = {
  /** Created the case and administers the system. */
  requester: person("requester", { isRequester: true, administersSystem: true }),
  /** Another administrator of the case's system. */
  "co-administrator": person("requester", { administersSystem: true }),
  /** A requester with no tie to this case or its system. */
  "unrelated requester": person("requester"),
  "service centre": person("service-centre"),
  /** A service-centre person who created this case themselves. */
  "service centre (own case)": person("service-centre", { isRequester: true }),
  admin: person("admin"),
  cab: person("cab"),
  operations: person("operations"),
  supplier: person("supplier", { ofSupplier: true }),
  "other supplier": person("supplier"),
  "system owner": person("system-owner", { ownsSystem: true }),
  "other system owner": person("system-owner"),
  "system owner (own case)": person("system-owner", { ownsSystem: true, isRequester: true }),
  system: SYSTEM_ACTOR,
} satisfies Record<string, Actor>;
type ActorName = keyof typeof ACTORS;
const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[];
const REQUESTER_SIDE: ActorName[] = ["requester", "co-administrator"];

// ─── Events ──────────────────────────────────────────────────────────────────────────────────

type Payload<E, T> = E extends { type: T } ? Omit<E, "type" | "actor" | "now"> : never;
type CasePayloads = { [T in CaseEventType]: Payload<CaseEvent, T> };
type WindowPayloads = { [T in WindowEventType]: Payload<WindowEvent, T> };

/** The smallest acceptable content of each event. */
const CASE_PAYLOAD: CasePayloads = {
  EDIT: {},
  SUBMIT: {},
  CANCEL: {},
  START_REVIEW: {},
  RETURN: { reason: "Ange vilka tjänster som startas om." },
  APPROVE: { conflicts: 0 },
  REJECT: { reason: "Ingen leverantörsåtkomst behövs." },
  RECLASSIFY: { reason: "Påverkar flera system." },
  REFER_TO_CAB: {},
  CAB_APPROVE: { conflicts: 0 },
  CAB_APPROVE_WITH_CONDITIONS: { conflicts: 0, conditions: "Återställningsplan ska finnas." },
  CAB_DEFER: {},
  CAB_REJECT: { reason: "För stor risk under bokslut." },
  PROPOSE_WINDOW: { window: { start: "2031-03-04T08:00:00Z", end: "2031-03-04T10:00:00Z" }, submittedAt: null, meetingStartsAt: null },
  WINDOW_OPENED: {},
  WINDOW_CLOSED: {},
  REPORT_OUTCOME: { outcome: "successful" },
  CLOSE: {},
  CONSENT: {},
  REFUSE_CONSENT: { reason: "Avtalet saknar stöd för detta." },
  REVIEW_DUE: {},
  REVIEW: {},
  REVOKE_ACCESS: { reason: "Uppdraget är avslutat." },
  CONSENT_ENDED: {},
  ACCOUNT_CREATED: {},
  ACCOUNT_REMOVED: {},
};

const WINDOW_PAYLOAD: WindowPayloads = {
  GRANT: {},
  REVOKE: {},
  END: {},
  REQUEST_EXTENSION: { end: LATER_END, reason: "Omstarten tar längre tid." },
  APPROVE_EXTENSION: { conflicts: 0 },
  REFUSE_EXTENSION: { reason: "Krockar med annan ändring." },
  EXPIRE: {},
  CASE_CANCELLED: {},
};

type Extra<P> = Partial<P> & { now?: string };

function caseEvent<T extends CaseEventType>(type: T, actor: Actor, extra: Extra<Payload<CaseEvent, T>> = {}): CaseEvent {
  return { type, actor, now: NOW, ...CASE_PAYLOAD[type], ...extra } as CaseEvent;
}

/** A valid event of `type` for a case of `caseType` (an emergency reports an incident outcome). */
function eventFor(caseType: CaseType, type: CaseEventType, actor: Actor): CaseEvent {
  return caseEvent(type, actor, type === "REPORT_OUTCOME" && caseType === "emergency" ? { outcome: "resolved" } : {});
}

function windowEvent<T extends WindowEventType>(type: T, actor: Actor, extra: Extra<Payload<WindowEvent, T>> = {}): WindowEvent {
  return { type, actor, now: DURING, ...WINDOW_PAYLOAD[type], ...extra } as WindowEvent;
}

// ─── States ──────────────────────────────────────────────────────────────────────────────────

/** A case of `type` in `value`, with the context initialCase produces (window WINDOW by default). */
function caseIn(type: CaseType, value: string, input: Record<string, unknown> = { window: WINDOW }): Persisted {
  return { ...initialCase(type, input), value };
}

/** A simple change's access window (WINDOW) in `value`. */
function windowIn(value: string, context: Partial<WindowContext> = {}): Persisted {
  const initial = initialWindow({ caseType: "simple-change", ...WINDOW });
  return { value, context: { ...initial.context, ...context } };
}

const PENDING = { end: LATER_END, reason: "Omstarten tar längre tid.", requestedBy: 1 };
const statesOf = (machine: AnyStateMachine) => Object.keys(machine.config.states ?? {});
const finalStatesOf = (machine: AnyStateMachine) =>
  Object.entries(machine.config.states ?? {})
    .filter(([, node]) => node.type === "final")
    .map(([key]) => key);

// ─── Graph helpers ───────────────────────────────────────────────────────────────────────────

type Path = { state: { value: unknown; context: unknown }; steps: Array<{ event: { type: string }; state: { value: unknown } }> };

/** The states a path passes through after the initial one. */
const statesAlong = (path: Path) => path.steps.filter((s) => s.event.type !== "xstate.init").map((s) => String(s.state.value));
const eventsAlong = (path: Path) => path.steps.filter((s) => s.event.type !== "xstate.init").map((s) => s.event.type);
const valuesReached = (paths: Path[]) => new Set(paths.map((p) => String(p.state.value)));
const shortestTo = (paths: Path[], value: string) => paths.filter((p) => p.state.value === value).sort((a, b) => a.steps.length - b.steps.length)[0];

/** One event of every kind, each sent by someone who may send it, at NOW. */
const CASE_EVENTS: CaseEvent[] = [
  caseEvent("EDIT", ACTORS.requester),
  caseEvent("SUBMIT", ACTORS.requester),
  caseEvent("CANCEL", ACTORS.requester),
  caseEvent("START_REVIEW", ACTORS["service centre"]),
  caseEvent("RETURN", ACTORS["service centre"]),
  caseEvent("APPROVE", ACTORS["service centre"]),
  caseEvent("REJECT", ACTORS["service centre"]),
  caseEvent("RECLASSIFY", ACTORS["service centre"]),
  caseEvent("REFER_TO_CAB", ACTORS["service centre"]),
  caseEvent("CAB_APPROVE", ACTORS["service centre"]),
  caseEvent("CAB_APPROVE_WITH_CONDITIONS", ACTORS["service centre"]),
  caseEvent("CAB_DEFER", ACTORS["service centre"]),
  caseEvent("CAB_REJECT", ACTORS["service centre"]),
  caseEvent("PROPOSE_WINDOW", ACTORS.requester),
  caseEvent("WINDOW_OPENED", ACTORS.system),
  caseEvent("WINDOW_CLOSED", ACTORS.system),
  caseEvent("REPORT_OUTCOME", ACTORS.requester, { outcome: "successful" }),
  caseEvent("REPORT_OUTCOME", ACTORS.requester, { outcome: "resolved" }),
  caseEvent("CLOSE", ACTORS["service centre"]),
  caseEvent("CONSENT", ACTORS["system owner"]),
  caseEvent("REFUSE_CONSENT", ACTORS["system owner"]),
  caseEvent("REVIEW_DUE", ACTORS.system),
  // A year later: the renewed review date differs from the first one.
  caseEvent("REVIEW", ACTORS["system owner"], { now: "2027-12-22T10:00:00+01:00" }),
  caseEvent("REVOKE_ACCESS", ACTORS["system owner"]),
  caseEvent("CONSENT_ENDED", ACTORS.system),
  caseEvent("ACCOUNT_CREATED", ACTORS.operations),
  caseEvent("ACCOUNT_REMOVED", ACTORS.operations),
];

/** The same events, all sent by a supplier's employee with no tie to the case. */
const OUTSIDER_EVENTS: CaseEvent[] = CASE_EVENTS.map((e) => ({ ...e, actor: ACTORS["other supplier"] }));

const walkCase = (type: CaseType, events: CaseEvent[] = CASE_EVENTS) =>
  getShortestPaths(CASE_MACHINES[type].machine, { events, input: { window: WINDOW } }) as Path[];
const simplePathsTo = (type: CaseType, value: string) =>
  getSimplePaths(CASE_MACHINES[type].machine, {
    events: CASE_EVENTS,
    input: { window: WINDOW },
    toState: (s) => s.value === value,
  }) as Path[];

const WINDOW_EVENTS: WindowEvent[] = [
  windowEvent("GRANT", ACTORS.operations, { now: WINDOW.start }),
  windowEvent("REVOKE", ACTORS.operations),
  windowEvent("END", ACTORS.supplier),
  windowEvent("REQUEST_EXTENSION", ACTORS.supplier),
  windowEvent("APPROVE_EXTENSION", ACTORS["service centre"]),
  windowEvent("REFUSE_EXTENSION", ACTORS["service centre"]),
  windowEvent("EXPIRE", ACTORS.system, { now: LATER_END }),
  windowEvent("CASE_CANCELLED", ACTORS.system, { now: NOW }),
];
const walkWindow = () => getShortestPaths(WINDOW_MACHINE.machine, { events: WINDOW_EVENTS, input: { caseType: "simple-change", ...WINDOW } }) as Path[];

// ═════════════════════════════════════════════════════════════════════════════════════════════
// 1. Graph walks
// ═════════════════════════════════════════════════════════════════════════════════════════════

describe("graph walks: every state can be reached", () => {
  describe.each(CASE_TYPES)("%s", (type) => {
    const machine = CASE_MACHINES[type].machine;

    it("reaches every state of the machine", () => {
      expect([...valuesReached(walkCase(type))].sort()).toEqual(statesOf(machine).sort());
    });

    it("never leaves the draft when the events come from someone without a role in the case", () => {
      expect([...valuesReached(walkCase(type, OUTSIDER_EVENTS))]).toEqual(["draft"]);
    });

    it("accepts nothing in its final states", () => {
      const finals = finalStatesOf(machine);
      expect(finals.length).toBeGreaterThan(0);
      for (const value of finals) {
        for (const event of CASE_EVENTS) expect(canCase(type, caseIn(type, value), event), `${value} ${event.type}`).toBe(false);
      }
    });
  });

  describe("simple change", () => {
    const paths = walkCase("simple-change");

    it("has no board: no awaiting-cab state, but can be reclassified", () => {
      expect(statesOf(CASE_MACHINES["simple-change"].machine)).not.toContain("awaiting-cab");
      expect(statesAlong(shortestTo(paths, "reclassified")!)).toEqual(["submitted", "reclassified"]);
      expect(eventsAlong(shortestTo(paths, "reclassified")!)).toEqual(["SUBMIT", "RECLASSIFY"]);
    });

    it("runs draft → submitted → approved → window-open → window-closed → outcome-reported → closed", () => {
      const opened = simplePathsTo("simple-change", "closed")
        .filter((p) => statesAlong(p).includes("window-open"))
        .sort((a, b) => a.steps.length - b.steps.length)[0];
      expect(statesAlong(opened!)).toEqual(["submitted", "approved", "window-open", "window-closed", "outcome-reported", "closed"]);
      expect(eventsAlong(opened!)).toEqual(["SUBMIT", "APPROVE", "WINDOW_OPENED", "WINDOW_CLOSED", "REPORT_OUTCOME", "CLOSE"]);
    });

    it("still asks for an outcome when the window ended without being opened", () => {
      // The overall shortest route to `closed` skips window-open: approved → window-closed.
      expect(statesAlong(shortestTo(paths, "closed")!)).toEqual(["submitted", "approved", "window-closed", "outcome-reported", "closed"]);
    });

    it("can be returned, resubmitted and then approved", () => {
      const sc = ACTORS["service centre"];
      const route = [
        caseEvent("SUBMIT", ACTORS.requester),
        caseEvent("RETURN", sc),
        caseEvent("SUBMIT", ACTORS.requester),
        caseEvent("START_REVIEW", sc),
        caseEvent("APPROVE", sc),
      ];
      const visited: string[] = [];
      let state: Persisted | undefined = initialCase("simple-change", { window: WINDOW });
      for (const event of route) {
        state = stepCase("simple-change", state!, event);
        visited.push(state?.value ?? `refused ${event.type}`);
      }
      expect(visited).toEqual(["submitted", "returned", "submitted", "in-review", "approved"]);
    });
  });

  describe("advanced change", () => {
    const paths = walkCase("advanced-change");

    it("is approved only by the board: every route to approved passes awaiting-cab", () => {
      const routes = simplePathsTo("advanced-change", "approved");
      expect(routes.length).toBeGreaterThan(1);
      for (const route of routes) expect(statesAlong(route)).toContain("awaiting-cab");
      expect(statesAlong(shortestTo(paths, "approved")!)).toEqual(["submitted", "awaiting-cab", "approved"]);
    });

    it("cannot be reclassified", () => {
      expect(statesOf(CASE_MACHINES["advanced-change"].machine)).not.toContain("reclassified");
    });

    it("keeps the board's conditions on the way to approved", () => {
      const withConditions = paths.find((p) => p.state.value === "approved" && (p.state.context as { conditions: string | null }).conditions !== null);
      expect(eventsAlong(withConditions!)).toEqual(["SUBMIT", "REFER_TO_CAB", "CAB_APPROVE_WITH_CONDITIONS"]);
      expect((withConditions!.state.context as { conditions: string }).conditions).toBe("Återställningsplan ska finnas.");
    });
  });

  describe("emergency", () => {
    it("runs draft → submitted → approved → window-open → window-closed → outcome-reported → closed", () => {
      const routes = simplePathsTo("emergency", "closed").filter((p) => statesAlong(p).includes("window-open"));
      const shortest = routes.sort((a, b) => a.steps.length - b.steps.length)[0];
      expect(statesAlong(shortest!)).toEqual(["submitted", "approved", "window-open", "window-closed", "outcome-reported", "closed"]);
    });

    it("only records incident outcomes", () => {
      const outcomes = walkCase("emergency")
        .filter((p) => p.state.value === "outcome-reported")
        .map((p) => (p.state.context as { outcome: string }).outcome);
      expect(outcomes).toEqual(["resolved"]);
    });
  });

  describe("standing access", () => {
    const paths = walkCase("standing-access");

    it.each([
      ["active", ["awaiting-consent", "active"]],
      ["review-due", ["awaiting-consent", "active", "review-due"]],
      ["revoked", ["awaiting-consent", "active", "revoked"]],
      ["refused", ["awaiting-consent", "refused"]],
      ["expired", ["awaiting-consent", "active", "expired"]],
      ["cancelled", ["cancelled"]],
    ])("reaches %s", (value, route) => {
      expect(statesAlong(shortestTo(paths, value)!)).toEqual(route);
    });

    it("returns from review-due to active after a review", () => {
      // Not simplePathsTo: its `toState` also stops the walk at the first `active`.
      const all = getSimplePaths(CASE_MACHINES["standing-access"].machine, { events: CASE_EVENTS }) as Path[];
      const reviewed = all.find((p) => p.state.value === "active" && statesAlong(p).includes("review-due"));
      expect(eventsAlong(reviewed!)).toEqual(["SUBMIT", "CONSENT", "REVIEW_DUE", "REVIEW"]);
    });
  });

  describe("access window", () => {
    const paths = walkWindow();
    const machine = WINDOW_MACHINE.machine;

    it("reaches every state", () => {
      expect([...valuesReached(paths)].sort()).toEqual(statesOf(machine).sort());
    });

    it("closes by revocation, by the supplier ending it, or by expiry", () => {
      const closedBy = new Set(paths.filter((p) => p.state.value === "closed").map((p) => (p.state.context as WindowContext).closedBy));
      expect([...closedBy].sort()).toEqual(["ended", "expired", "revoked"]);
      const by = (reason: string) =>
        paths.filter((p) => (p.state.context as WindowContext).closedBy === reason).sort((a, b) => a.steps.length - b.steps.length)[0]!;
      expect(eventsAlong(by("revoked"))).toEqual(["GRANT", "REVOKE"]);
      expect(eventsAlong(by("ended"))).toEqual(["GRANT", "END"]);
      // A window nobody opened still expires.
      expect(eventsAlong(by("expired"))).toEqual(["EXPIRE"]);
    });

    it("stays open with a later end after an approved extension", () => {
      const extended = paths.find((p) => p.state.value === "open" && (p.state.context as WindowContext).end === LATER_END);
      expect(eventsAlong(extended!)).toEqual(["GRANT", "REQUEST_EXTENSION", "APPROVE_EXTENSION"]);
      expect((extended!.state.context as WindowContext).pendingExtension).toBeNull();
      expect(statesAlong(extended!)).toEqual(["open", "open", "open"]);
    });

    it("accepts nothing once closed or cancelled", () => {
      for (const value of finalStatesOf(machine)) {
        for (const event of WINDOW_EVENTS) expect(canWindow(windowIn(value), event), `${value} ${event.type}`).toBe(false);
      }
    });
  });
});

// ═════════════════════════════════════════════════════════════════════════════════════════════
// 2. Guard tables: who may send what, where
// ═════════════════════════════════════════════════════════════════════════════════════════════

type Row = [CaseType, string, CaseEventType, ActorName, boolean];
const rowsFor = (cells: Array<[CaseType, string, CaseEventType]>, allowed: (name: ActorName) => boolean): Row[] =>
  cells.flatMap(([type, state, event]) => ACTOR_NAMES.map((name): Row => [type, state, event, name, allowed(name)]));
const checkCase = (type: CaseType, state: string, event: CaseEventType, name: ActorName) =>
  canCase(type, caseIn(type, state), eventFor(type, event, ACTORS[name]));

describe("guards: who may do what", () => {
  describe("only the service centre decides — never on a case it requested itself", () => {
    const decisions: Array<[CaseType, string, CaseEventType]> = [
      ["emergency", "submitted", "START_REVIEW"],
      ["emergency", "submitted", "APPROVE"],
      ["emergency", "in-review", "APPROVE"],
      ["emergency", "in-review", "RETURN"],
      ["emergency", "submitted", "REJECT"],
      ["emergency", "outcome-reported", "CLOSE"],
      ["simple-change", "submitted", "APPROVE"],
      ["simple-change", "in-review", "APPROVE"],
      ["simple-change", "submitted", "RETURN"],
      ["simple-change", "in-review", "REJECT"],
      ["simple-change", "submitted", "RECLASSIFY"],
      ["simple-change", "in-review", "RECLASSIFY"],
      ["simple-change", "outcome-reported", "CLOSE"],
      ["advanced-change", "submitted", "START_REVIEW"],
      ["advanced-change", "submitted", "REFER_TO_CAB"],
      ["advanced-change", "in-review", "REFER_TO_CAB"],
      ["advanced-change", "in-review", "RETURN"],
      ["advanced-change", "submitted", "REJECT"],
      ["advanced-change", "awaiting-cab", "CAB_APPROVE"],
      ["advanced-change", "awaiting-cab", "CAB_APPROVE_WITH_CONDITIONS"],
      ["advanced-change", "awaiting-cab", "CAB_DEFER"],
      ["advanced-change", "awaiting-cab", "CAB_REJECT"],
      ["advanced-change", "awaiting-cab", "RETURN"],
      ["advanced-change", "outcome-reported", "CLOSE"],
    ];
    it.each(rowsFor(decisions, (name) => name === "service centre"))("%s · %s · %s by %s → %s", (type, state, event, name, expected) => {
      expect(checkCase(type, state, event, name)).toBe(expected);
    });
  });

  describe("only the requester side submits, edits and reports the outcome", () => {
    const requesterActions: Array<[CaseType, string, CaseEventType]> = [
      ["emergency", "draft", "EDIT"],
      ["emergency", "draft", "SUBMIT"],
      ["emergency", "returned", "SUBMIT"],
      ["emergency", "window-closed", "REPORT_OUTCOME"],
      ["simple-change", "draft", "EDIT"],
      ["simple-change", "returned", "EDIT"],
      ["simple-change", "draft", "SUBMIT"],
      ["simple-change", "returned", "SUBMIT"],
      ["simple-change", "window-closed", "REPORT_OUTCOME"],
      ["advanced-change", "draft", "SUBMIT"],
      ["advanced-change", "returned", "EDIT"],
      ["advanced-change", "window-closed", "REPORT_OUTCOME"],
      ["standing-access", "draft", "SUBMIT"],
    ];
    it.each(rowsFor(requesterActions, (name) => REQUESTER_SIDE.includes(name)))("%s · %s · %s by %s → %s", (type, state, event, name, expected) => {
      expect(checkCase(type, state, event, name)).toBe(expected);
    });

    it.each(REQUESTER_SIDE)("standing-access · draft · EDIT by %s → true", (name) => {
      expect(checkCase("standing-access", "draft", "EDIT", name)).toBe(true);
    });
    it.each(ACTOR_NAMES.filter((name) => !REQUESTER_SIDE.includes(name)))("standing-access · draft · EDIT by %s → false", (name) => {
      expect(checkCase("standing-access", "draft", "EDIT", name)).toBe(false);
    });
  });

  describe("cancelling", () => {
    const cancels: Array<[CaseType, string, CaseEventType]> = [
      ["emergency", "draft", "CANCEL"],
      ["simple-change", "submitted", "CANCEL"],
      ["advanced-change", "awaiting-cab", "CANCEL"],
      ["standing-access", "awaiting-consent", "CANCEL"],
    ];
    // The requester side cancels its own request; the service centre may cancel on its behalf
    // (e.g. when the requester has left), but never a case it requested itself.
    const rows = rowsFor(cancels, (name) => REQUESTER_SIDE.includes(name) || name === "service centre");
    it.each(rows)("%s · %s · %s by %s → %s", (type, state, event, name, expected) => {
      expect(checkCase(type, state, event, name)).toBe(expected);
    });

    const windowed: CaseType[] = ["emergency", "simple-change", "advanced-change"];
    const beforeTheWindow = ["draft", "submitted", "in-review", "returned", "awaiting-cab", "approved"];
    it.each(windowed.flatMap((type) => statesOf(CASE_MACHINES[type].machine).map((state) => [type, state, beforeTheWindow.includes(state)] as const)))(
      "%s · CANCEL by the requester in %s → %s (refused once the window opened)",
      (type, state, expected) => {
        expect(checkCase(type, state, "CANCEL", "requester")).toBe(expected);
      },
    );
  });

  describe("the outcome is reported only once the window has closed", () => {
    const windowed: CaseType[] = ["emergency", "simple-change", "advanced-change"];
    it.each(windowed.flatMap((type) => statesOf(CASE_MACHINES[type].machine).map((state) => [type, state, state === "window-closed"] as const)))(
      "%s · REPORT_OUTCOME in %s → %s",
      (type, state, expected) => {
        expect(checkCase(type, state, "REPORT_OUTCOME", "requester")).toBe(expected);
      },
    );
  });

  describe("the board's decisions exist only for advanced changes awaiting the board", () => {
    const CAB_EVENTS: CaseEventType[] = ["CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS", "CAB_DEFER", "CAB_REJECT"];
    const cells: Array<[CaseType, string, CaseEventType, boolean]> = CAB_EVENTS.flatMap((event) => [
      ...statesOf(CASE_MACHINES["advanced-change"].machine).map((state): [CaseType, string, CaseEventType, boolean] => [
        "advanced-change",
        state,
        event,
        state === "awaiting-cab",
      ]),
      ...["submitted", "in-review", "approved"].map((state): [CaseType, string, CaseEventType, boolean] => ["simple-change", state, event, false]),
      ...["submitted", "in-review", "approved"].map((state): [CaseType, string, CaseEventType, boolean] => ["emergency", state, event, false]),
    ]);
    it.each(cells)("%s · %s · %s by the service centre → %s", (type, state, event, expected) => {
      expect(checkCase(type, state, event, "service centre")).toBe(expected);
    });

    it.each(["simple-change", "emergency"] as const)("a %s does not know the board at all", (type) => {
      for (const event of [...CAB_EVENTS, "REFER_TO_CAB"]) expect(CASE_MACHINES[type].machine.events).not.toContain(event);
    });

    it("an emergency in review does not accept the board's events at all (409, not 403)", () => {
      for (const event of [...CAB_EVENTS, "REFER_TO_CAB", "RECLASSIFY"]) {
        expect(stateAccepts(CASE_MACHINES.emergency.machine, caseIn("emergency", "in-review"), event), event).toBe(false);
      }
    });

    // A kind's states do not even accept the other kind's decisions (so the API answers 409/422, not 403).
    it.each([
      ["simple-change", "submitted", "REFER_TO_CAB"],
      ["simple-change", "in-review", "REFER_TO_CAB"],
      ["advanced-change", "submitted", "APPROVE"],
      ["advanced-change", "in-review", "APPROVE"],
      ["advanced-change", "submitted", "RECLASSIFY"],
      ["advanced-change", "in-review", "RECLASSIFY"],
    ] as const)("stateAccepts(%s, %s, %s) → false", (type, state, event) => {
      expect(stateAccepts(CASE_MACHINES[type].machine, caseIn(type, state), event)).toBe(false);
    });

    it.each(["submitted", "in-review", "awaiting-cab"])("an advanced change in %s cannot be approved or reclassified by the service centre", (state) => {
      for (const event of ["APPROVE", "RECLASSIFY"] as const) {
        expect(checkCase("advanced-change", state, event, "service centre"), event).toBe(false);
        expect(stepCase("advanced-change", caseIn("advanced-change", state), caseEvent(event, ACTORS["service centre"]))).toBeUndefined();
      }
      expect(CASE_MACHINES["advanced-change"].machine.events).not.toContain("APPROVE");
      expect(CASE_MACHINES["advanced-change"].machine.events).not.toContain("RECLASSIFY");
    });

    it("a deferred advanced change stays with the board", () => {
      const next = stepCase("advanced-change", caseIn("advanced-change", "awaiting-cab"), caseEvent("CAB_DEFER", ACTORS["service centre"]));
      expect(next?.value).toBe("awaiting-cab");
    });

    it("after a deferral the requester's side may propose a new window, once; before one, nobody", () => {
      const waiting = caseIn("advanced-change", "awaiting-cab");
      const propose = (state: Persisted, name: ActorName, window = { start: "2031-03-04T08:00:00Z", end: "2031-03-04T10:00:00Z" }) =>
        stepCase("advanced-change", state, caseEvent("PROPOSE_WINDOW", ACTORS[name], { window }));
      expect(propose(waiting, "requester")).toBeUndefined();
      const deferred = stepCase("advanced-change", waiting, caseEvent("CAB_DEFER", ACTORS["service centre"]))!;
      for (const name of ACTOR_NAMES) expect(Boolean(propose(deferred, name)), name).toBe(REQUESTER_SIDE.includes(name));
      const proposed = propose(deferred, "requester")!;
      expect(proposed.value).toBe("awaiting-cab");
      expect((proposed.context as { window: unknown }).window).toEqual({ start: "2031-03-04T08:00:00Z", end: "2031-03-04T10:00:00Z" });
      expect(propose(proposed, "requester")).toBeUndefined();
      // A window too early for the lead time from the submission is refused by the guard itself.
      expect(propose(deferred, "requester", { start: NOW, end: new Date(Date.parse(NOW) + 3600_000).toISOString() })).toBeUndefined();
      // The board deferring again opens the door again.
      expect(propose(stepCase("advanced-change", proposed, caseEvent("CAB_DEFER", ACTORS["service centre"]))!, "requester")).toBeDefined();
    });
  });

  describe("standing access: consent only from the owner of the system", () => {
    it.each((["CONSENT", "REFUSE_CONSENT"] as const).flatMap((event) => ACTOR_NAMES.map((name) => [event, name, name === "system owner"] as const)))(
      "awaiting-consent · %s by %s → %s",
      (event, name, expected) => {
        expect(checkCase("standing-access", "awaiting-consent", event, name)).toBe(expected);
      },
    );

    it.each(ACTOR_NAMES.map((name) => [name, name === "system owner"] as const))("review-due · REVIEW by %s → %s", (name, expected) => {
      expect(checkCase("standing-access", "review-due", "REVIEW", name)).toBe(expected);
    });

    const mayRevoke: ActorName[] = ["system owner", "service centre", ...REQUESTER_SIDE];
    it.each((["active", "review-due"] as const).flatMap((state) => ACTOR_NAMES.map((name) => [state, name, mayRevoke.includes(name)] as const)))(
      "%s · REVOKE_ACCESS by %s → %s",
      (state, name, expected) => {
        expect(checkCase("standing-access", state, "REVOKE_ACCESS", name)).toBe(expected);
      },
    );

    it.each(ACTOR_NAMES.map((name) => [name, name === "system"] as const))("active · REVIEW_DUE by %s → %s", (name, expected) => {
      expect(checkCase("standing-access", "active", "REVIEW_DUE", name)).toBe(expected);
    });
  });

  describe("the window events on a case come only from the system", () => {
    it.each((["WINDOW_OPENED", "WINDOW_CLOSED"] as const).flatMap((event) => ACTOR_NAMES.map((name) => [event, name, name === "system"] as const)))(
      "simple-change · approved · %s by %s → %s",
      (event, name, expected) => {
        expect(checkCase("simple-change", "approved", event, name)).toBe(expected);
      },
    );
  });

  describe("access window", () => {
    const scheduled = () => windowIn("scheduled");
    const open = (context: Partial<WindowContext> = {}) => windowIn("open", context);

    it.each([
      ["16 minutes before the start", plusMinutes(WINDOW.start, -16), false],
      ["15 minutes before the start", plusMinutes(WINDOW.start, -15), true],
      ["at the start", WINDOW.start, true],
      ["during the window", DURING, true],
      ["a minute before the end", plusMinutes(WINDOW.end, -1), true],
      ["at the end", WINDOW.end, false],
      ["after the end", plusHours(WINDOW.end, 1), false],
    ])("operations may GRANT %s → %s", (_label, now, expected) => {
      expect(canWindow(scheduled(), windowEvent("GRANT", ACTORS.operations, { now }))).toBe(expected);
    });

    // The system too: a window on a system set to open automatically (the connectors grant the access).
    it.each(ACTOR_NAMES.map((name) => [name, name === "operations" || name === "system"] as const))(
      "scheduled · GRANT at the start by %s → %s",
      (name, expected) => {
        expect(canWindow(scheduled(), windowEvent("GRANT", ACTORS[name], { now: WINDOW.start }))).toBe(expected);
      },
    );

    it.each(ACTOR_NAMES.map((name) => [name, name === "operations"] as const))("open · REVOKE by %s → %s", (name, expected) => {
      expect(canWindow(open(), windowEvent("REVOKE", ACTORS[name]))).toBe(expected);
    });

    const supplierSide: ActorName[] = ["supplier", ...REQUESTER_SIDE];
    it.each(ACTOR_NAMES.map((name) => [name, supplierSide.includes(name)] as const))("open · END by %s → %s", (name, expected) => {
      expect(canWindow(open(), windowEvent("END", ACTORS[name]))).toBe(expected);
    });

    it.each(ACTOR_NAMES.map((name) => [name, supplierSide.includes(name)] as const))("open · REQUEST_EXTENSION by %s → %s", (name, expected) => {
      expect(canWindow(open(), windowEvent("REQUEST_EXTENSION", ACTORS[name]))).toBe(expected);
    });

    it.each(ACTOR_NAMES.map((name) => [name, name === "service centre"] as const))(
      "open with a pending extension · APPROVE_EXTENSION by %s → %s",
      (name, expected) => {
        expect(canWindow(open({ pendingExtension: PENDING }), windowEvent("APPROVE_EXTENSION", ACTORS[name]))).toBe(expected);
      },
    );

    it.each(ACTOR_NAMES.map((name) => [name, name === "service centre"] as const))(
      "open with a pending extension · REFUSE_EXTENSION by %s → %s",
      (name, expected) => {
        expect(canWindow(open({ pendingExtension: PENDING }), windowEvent("REFUSE_EXTENSION", ACTORS[name]))).toBe(expected);
      },
    );

    it("nothing to approve or refuse without a pending extension", () => {
      expect(canWindow(open(), windowEvent("APPROVE_EXTENSION", ACTORS["service centre"]))).toBe(false);
      expect(canWindow(open(), windowEvent("REFUSE_EXTENSION", ACTORS["service centre"]))).toBe(false);
    });

    it("an extension is not approved after the window has ended", () => {
      const event = windowEvent("APPROVE_EXTENSION", ACTORS["service centre"], { now: WINDOW.end });
      expect(canWindow(open({ pendingExtension: PENDING }), event)).toBe(false);
    });

    it.each([
      ["open", "a minute before the end", plusMinutes(WINDOW.end, -1), false],
      ["open", "at the end", WINDOW.end, true],
      ["open", "after the end", plusHours(WINDOW.end, 3), true],
      ["scheduled", "a minute before the end", plusMinutes(WINDOW.end, -1), false],
      ["scheduled", "at the end", WINDOW.end, true],
    ])("%s · EXPIRE by the system %s → %s", (state, _label, now, expected) => {
      expect(canWindow(windowIn(state), windowEvent("EXPIRE", ACTORS.system, { now }))).toBe(expected);
    });

    it.each(ACTOR_NAMES.map((name) => [name, name === "system"] as const))("open · EXPIRE at the end by %s → %s", (name, expected) => {
      expect(canWindow(open(), windowEvent("EXPIRE", ACTORS[name], { now: WINDOW.end }))).toBe(expected);
    });

    it("is cancelled with its case, by the portal only, and never once open", () => {
      expect(canWindow(scheduled(), windowEvent("CASE_CANCELLED", ACTORS.system))).toBe(true);
      // Nobody cancels a window by hand: it follows its case.
      for (const name of ACTOR_NAMES.filter((n) => n !== "system")) expect(canWindow(scheduled(), windowEvent("CASE_CANCELLED", ACTORS[name]))).toBe(false);
      expect(canWindow(open(), windowEvent("CASE_CANCELLED", ACTORS.system))).toBe(false);
      expect(stateAccepts(WINDOW_MACHINE.machine, open(), "CASE_CANCELLED")).toBe(false);
    });
  });
});

// ═════════════════════════════════════════════════════════════════════════════════════════════
// 3. Business rules
// ═════════════════════════════════════════════════════════════════════════════════════════════

describe("business rules", () => {
  const submit = (type: CaseType, window: Window | null, options: { now?: string; allowLongWindow?: boolean } = {}) =>
    canCase(
      type,
      caseIn(type, "draft", { window, ...(options.allowLongWindow ? { allowLongWindow: true } : {}) }),
      caseEvent("SUBMIT", ACTORS.requester, { now: options.now ?? NOW }),
    );

  describe("lead time in Swedish working days at submission (Monday 21 December 2026)", () => {
    it.each([
      ["2026-12-23T10:00:00+01:00", false],
      ["2026-12-27T10:00:00+01:00", false],
      ["2026-12-27T23:59:00+01:00", false],
      ["2026-12-28T00:00:00+01:00", true],
      ["2026-12-28T00:30:00+01:00", true],
      ["2027-01-12T08:00:00+01:00", true],
    ])("a simple change starting %s → %s (earliest 28 December: 24–27 December are not working days)", (start, expected) => {
      expect(submit("simple-change", windowOf(start, 4))).toBe(expected);
    });

    it.each([
      ["2026-12-28T08:00:00+01:00", false],
      ["2027-01-08T08:00:00+01:00", false],
      ["2027-01-10T23:59:00+01:00", false],
      ["2027-01-11T00:30:00+01:00", true],
      ["2027-01-12T08:00:00+01:00", true],
    ])("an advanced change starting %s → %s (earliest 11 January)", (start, expected) => {
      expect(submit("advanced-change", windowOf(start, 4))).toBe(expected);
    });

    it("counts from the submission date in Stockholm, not in UTC", () => {
      // 23:30 UTC on Monday is already Tuesday 22 December in Stockholm: earliest becomes 29 December.
      const window = windowOf("2026-12-28T08:00:00+01:00", 4);
      expect(submit("simple-change", window, { now: "2026-12-21T22:30:00Z" })).toBe(true);
      expect(submit("simple-change", window, { now: "2026-12-21T23:30:00Z" })).toBe(false);
    });

    it("checks the lead time again when a returned change is resubmitted", () => {
      const friday = "2027-01-08T10:00:00+01:00"; // earliest start then: Wednesday 13 January
      const returned = caseIn("simple-change", "returned");
      expect(canCase("simple-change", returned, caseEvent("SUBMIT", ACTORS.requester, { now: friday }))).toBe(false);
      const edited = stepCase("simple-change", returned, caseEvent("EDIT", ACTORS.requester, { window: windowOf("2027-01-13T08:00:00+01:00", 4) }));
      expect(edited?.value).toBe("returned");
      expect(stepCase("simple-change", edited!, caseEvent("SUBMIT", ACTORS.requester, { now: friday }))?.value).toBe("submitted");
    });

    it("an emergency has no lead time, but its window must not be over already", () => {
      expect(submit("emergency", windowOf(NOW, 4))).toBe(true);
      expect(submit("emergency", windowOf(plusHours(NOW, -5), 4))).toBe(false);
    });
  });

  describe("window length and shape", () => {
    const start = WINDOW.start;

    it.each(["simple-change", "advanced-change"] as const)("a %s window longer than 72 hours can be submitted, and is the service centre's call", (type) => {
      expect(submit(type, windowOf(start, 72))).toBe(true);
      expect(submit(type, windowOf(start, 96))).toBe(true);
    });

    it("a change reports a change's outcome, not an incident's", () => {
      const closed = caseIn("simple-change", "window-closed");
      expect(canCase("simple-change", closed, caseEvent("REPORT_OUTCOME", ACTORS.requester, { outcome: "rolled-back" }))).toBe(true);
      expect(canCase("simple-change", closed, caseEvent("REPORT_OUTCOME", ACTORS.requester, { outcome: "resolved" }))).toBe(false);
    });

    it("approving a change window longer than 72 hours needs the service centre's explicit allowance", () => {
      const long = caseIn("simple-change", "submitted", { window: windowOf(start, 96) });
      expect(canCase("simple-change", long, caseEvent("APPROVE", ACTORS["service centre"]))).toBe(false);
      expect(canCase("simple-change", long, caseEvent("APPROVE", ACTORS["service centre"], { allowLongWindow: true }))).toBe(true);
      const short = caseIn("simple-change", "submitted", { window: windowOf(start, 72) });
      expect(canCase("simple-change", short, caseEvent("APPROVE", ACTORS["service centre"]))).toBe(true);
      const board = caseIn("advanced-change", "awaiting-cab", { window: windowOf(start, 96) });
      expect(canCase("advanced-change", board, caseEvent("CAB_APPROVE", ACTORS["service centre"]))).toBe(false);
      expect(canCase("advanced-change", board, caseEvent("CAB_APPROVE", ACTORS["service centre"], { allowLongWindow: true }))).toBe(true);
    });

    it("an emergency window may last 24 hours, not longer — allowLongWindow or not", () => {
      expect(submit("emergency", windowOf(NOW, 24))).toBe(true);
      expect(submit("emergency", { start: NOW, end: plusMinutes(plusHours(NOW, 24), 1) })).toBe(false);
      expect(submit("emergency", windowOf(NOW, 25), { allowLongWindow: true })).toBe(false);
    });

    it.each(["emergency", "simple-change", "advanced-change"] as const)(
      "a %s cannot be submitted without a window or with one ending before it starts",
      (type) => {
        expect(submit(type, null)).toBe(false);
        expect(submit(type, { start: WINDOW.end, end: WINDOW.start })).toBe(false);
        expect(submit(type, { start: WINDOW.start, end: WINDOW.start })).toBe(false);
      },
    );

    it("a draft without a window can be submitted once the requester has added one", () => {
      const draft = caseIn("simple-change", "draft", {});
      expect(stepCase("simple-change", draft, caseEvent("SUBMIT", ACTORS.requester))).toBeUndefined();
      const edited = stepCase("simple-change", draft, caseEvent("EDIT", ACTORS.requester, { window: WINDOW }));
      expect(edited).toMatchObject({ value: "draft", context: { window: WINDOW } });
      expect(stepCase("simple-change", edited!, caseEvent("SUBMIT", ACTORS.requester))?.value).toBe("submitted");
    });
  });

  describe("approval despite conflicts needs a reason", () => {
    const approvals: Array<[CaseType, string, "APPROVE" | "CAB_APPROVE" | "CAB_APPROVE_WITH_CONDITIONS"]> = [
      ["emergency", "submitted", "APPROVE"],
      ["simple-change", "in-review", "APPROVE"],
      ["advanced-change", "awaiting-cab", "CAB_APPROVE"],
      ["advanced-change", "awaiting-cab", "CAB_APPROVE_WITH_CONDITIONS"],
    ];
    it.each(
      approvals.flatMap(([type, state, event]) =>
        [
          [0, undefined, true],
          [2, undefined, false],
          [2, "   ", false],
          [2, "Krocken gäller en annan databas.", true],
        ].map(([conflicts, reason, expected]) => [type, state, event, conflicts as number, reason as string | undefined, expected as boolean] as const),
      ),
    )("%s · %s · %s with %i conflicts and reason %j → %s", (type, state, event, conflicts, reason, expected) => {
      const sent = caseEvent(event, ACTORS["service centre"], { conflicts, reason });
      expect(canCase(type, caseIn(type, state), sent)).toBe(expected);
    });

    it.each([
      [0, undefined, true],
      [2, undefined, false],
      [2, "Krocken är ofarlig.", true],
    ])("access window · APPROVE_EXTENSION with %i conflicts and reason %j → %s", (conflicts, reason, expected) => {
      const sent = windowEvent("APPROVE_EXTENSION", ACTORS["service centre"], { conflicts, reason });
      expect(canWindow(windowIn("open", { pendingExtension: PENDING }), sent)).toBe(expected);
    });

    it("the board's conditions must be written out, and are kept", () => {
      const awaiting = caseIn("advanced-change", "awaiting-cab");
      expect(canCase("advanced-change", awaiting, caseEvent("CAB_APPROVE_WITH_CONDITIONS", ACTORS["service centre"], { conditions: "  " }))).toBe(false);
      const approved = stepCase(
        "advanced-change",
        awaiting,
        caseEvent("CAB_APPROVE_WITH_CONDITIONS", ACTORS["service centre"], { conditions: "Endast nattetid." }),
      );
      expect(approved).toMatchObject({ value: "approved", context: { conditions: "Endast nattetid." } });
    });
  });

  describe("refusals need a reason", () => {
    const refusals: Array<[CaseType, string, CaseEventType, ActorName]> = [
      ["emergency", "submitted", "RETURN", "service centre"],
      ["emergency", "in-review", "REJECT", "service centre"],
      ["simple-change", "submitted", "RETURN", "service centre"],
      ["simple-change", "submitted", "REJECT", "service centre"],
      ["advanced-change", "in-review", "REJECT", "service centre"],
      ["advanced-change", "awaiting-cab", "RETURN", "service centre"],
      ["advanced-change", "awaiting-cab", "CAB_REJECT", "service centre"],
      ["standing-access", "awaiting-consent", "REFUSE_CONSENT", "system owner"],
      ["standing-access", "active", "REVOKE_ACCESS", "system owner"],
      ["standing-access", "review-due", "REVOKE_ACCESS", "service centre"],
    ];
    it.each(
      refusals.flatMap(([type, state, event, name]) =>
        (
          [
            [undefined, false],
            ["", false],
            ["   ", false],
            ["Skälet.", true],
          ] as const
        ).map(([reason, expected]) => [type, state, event, name, reason, expected] as const),
      ),
    )("%s · %s · %s by %s with reason %j → %s", (type, state, event, name, reason, expected) => {
      expect(canCase(type, caseIn(type, state), caseEvent(event, ACTORS[name], { reason }))).toBe(expected);
    });

    it("refusing an extension needs a reason too", () => {
      const open = windowIn("open", { pendingExtension: PENDING });
      expect(canWindow(open, windowEvent("REFUSE_EXTENSION", ACTORS["service centre"], { reason: " " }))).toBe(false);
      expect(canWindow(open, windowEvent("REFUSE_EXTENSION", ACTORS["service centre"], { reason: "Nej." }))).toBe(true);
    });
  });

  describe("outcomes", () => {
    it.each([
      ["emergency", "resolved", true],
      ["emergency", "needs-change", true],
      ["emergency", "not-resolved", true],
      ["emergency", "successful", false],
      ["emergency", "rolled-back", false],
      ["simple-change", "successful", true],
      ["simple-change", "failed", true],
      ["advanced-change", "rolled-back", true],
    ] as const)("%s · REPORT_OUTCOME %s → %s", (type, outcome, expected) => {
      const next = stepCase(type, caseIn(type, "window-closed"), caseEvent("REPORT_OUTCOME", ACTORS.requester, { outcome }));
      expect(next?.value).toBe(expected ? "outcome-reported" : undefined);
      if (expected) expect(next?.context.outcome).toBe(outcome);
    });
  });

  describe("standing access: a consent with an end, and the accounts' steps", () => {
    const consent = (extra: Extra<Payload<CaseEvent, "CONSENT">> = {}) =>
      stepCase("standing-access", caseIn("standing-access", "awaiting-consent"), caseEvent("CONSENT", ACTORS["system owner"], extra));

    it("holds a year by default, up for review 30 days before its last day; each review renews it", () => {
      const consented = consent();
      expect(consented).toMatchObject({ value: "active", context: { consentUntil: "2027-12-21", reviewDueOn: "2027-11-21" } });
      const due = stepCase("standing-access", consented!, caseEvent("REVIEW_DUE", ACTORS.system, { now: "2027-11-21T06:00:00+01:00" }));
      expect(due?.value).toBe("review-due");
      const reviewed = stepCase(
        "standing-access",
        due!,
        caseEvent("REVIEW", ACTORS["system owner"], { now: "2027-12-01T10:00:00+01:00", until: "2028-06-30" }),
      );
      expect(reviewed).toMatchObject({ value: "active", context: { consentUntil: "2028-06-30", reviewDueOn: "2028-05-31" } });
    });

    it.each([
      ["2027-12-21", true],
      ["2027-12-22", false],
      [NOW.slice(0, 10), false],
      ["2027-02-30", false],
      ["2027-01-31", true],
    ])("a consent to %s is accepted: %s", (until, accepted) => {
      expect(consent({ until })?.value).toBe(accepted ? "active" : undefined);
    });

    it("a short consent comes up for review half-way", () => {
      expect(consent({ until: "2027-01-10" })?.context).toMatchObject({ consentUntil: "2027-01-10", reviewDueOn: "2026-12-31" });
    });

    it("asks operations to create the accounts by the next working day at 18:00, and to remove them within 4 hours when the access ends", () => {
      const consented = consent()!;
      const steps = (p: { context: Record<string, unknown> } | undefined) =>
        p?.context.accountSteps as { kind: string; dueAt: string; doneAt: string | null }[];
      expect(steps(consented)).toEqual([{ kind: "create", dueAt: "2026-12-22T17:00:00.000Z", doneAt: null, doneBy: null }]);
      // Nothing to remove before anything was asked for; the creation is done once.
      expect(stepCase("standing-access", consented, caseEvent("ACCOUNT_REMOVED", ACTORS.operations))).toBeUndefined();
      expect(stepCase("standing-access", consented, caseEvent("ACCOUNT_CREATED", ACTORS.supplier))).toBeUndefined();
      const created = stepCase("standing-access", consented, caseEvent("ACCOUNT_CREATED", ACTORS.operations))!;
      expect(steps(created)[0]!.doneAt).toBe(NOW);
      expect(stepCase("standing-access", created, caseEvent("ACCOUNT_CREATED", ACTORS.operations))).toBeUndefined();
      const ended = stepCase("standing-access", created, caseEvent("CONSENT_ENDED", ACTORS.system, { now: "2027-12-22T06:00:00+01:00" }))!;
      expect(ended.value).toBe("expired");
      expect(steps(ended)[1]).toEqual({ kind: "remove", dueAt: "2027-12-22T09:00:00.000Z", doneAt: null, doneBy: null });
      const removed = stepCase("standing-access", ended, caseEvent("ACCOUNT_REMOVED", ACTORS.operations))!;
      expect(removed.value).toBe("expired");
      expect(steps(removed)[1]!.doneAt).toBe(NOW);
      expect(stepCase("standing-access", removed, caseEvent("ACCOUNT_REMOVED", ACTORS.operations))).toBeUndefined();
    });

    it("a revocation before the accounts were created calls the creation off and still asks for the removal", () => {
      const revoked = stepCase("standing-access", consent()!, caseEvent("REVOKE_ACCESS", ACTORS["system owner"], { reason: "Uppdraget är avslutat." }))!;
      expect(revoked.value).toBe("revoked");
      expect(revoked.context.accountSteps).toMatchObject([
        { kind: "create", doneAt: null, cancelledAt: NOW },
        { kind: "remove", doneAt: null },
      ]);
      expect(stepCase("standing-access", revoked, caseEvent("ACCOUNT_CREATED", ACTORS.operations))).toBeUndefined();
    });
  });

  describe("extending an open access window", () => {
    const open = () => windowIn("open");
    const request = (extra: Extra<Payload<WindowEvent, "REQUEST_EXTENSION">>) => windowEvent("REQUEST_EXTENSION", ACTORS.supplier, extra);

    it.each([
      ["to the current end", { end: WINDOW.end }, false],
      ["to before the current end", { end: plusHours(WINDOW.end, -1) }, false],
      ["by two hours with a reason", { end: LATER_END }, true],
      ["by two hours without a reason", { end: LATER_END, reason: undefined }, false],
      ["by two hours with a blank reason", { end: LATER_END, reason: "  " }, false],
      ["by exactly 24 hours", { end: plusHours(WINDOW.end, 24) }, true],
      ["by more than 24 hours", { end: plusMinutes(plusHours(WINDOW.end, 24), 1) }, false],
      ["after the window has ended", { end: LATER_END, now: WINDOW.end }, false],
    ])("REQUEST_EXTENSION %s → %s", (_label, extra, expected) => {
      expect(canWindow(open(), request(extra))).toBe(expected);
    });

    it("one extension at a time", () => {
      const pending = stepWindow(open(), request({}));
      expect(pending).toMatchObject({ value: "open", context: { pendingExtension: { end: LATER_END, requestedBy: 1 } } });
      expect(canWindow(pending!, request({ end: plusHours(LATER_END, 1) }))).toBe(false);
    });

    it("an approved extension keeps the window open with the later end", () => {
      const pending = stepWindow(open(), request({}))!;
      const extended = stepWindow(pending, windowEvent("APPROVE_EXTENSION", ACTORS["service centre"]));
      expect(extended).toMatchObject({ value: "open", context: { end: LATER_END, pendingExtension: null } });
      // The window now expires at the new end, not the old one.
      expect(canWindow(extended!, windowEvent("EXPIRE", ACTORS.system, { now: WINDOW.end }))).toBe(false);
      expect(canWindow(extended!, windowEvent("EXPIRE", ACTORS.system, { now: LATER_END }))).toBe(true);
    });

    it("an extension may be granted to an earlier end than asked, after the current one, never beyond the asked", () => {
      const pending = stepWindow(open(), request({}))!;
      const grant = (end: string) => stepWindow(pending, windowEvent("APPROVE_EXTENSION", ACTORS["service centre"], { end }));
      expect(grant(plusHours(WINDOW.end, 1))).toMatchObject({ value: "open", context: { end: plusHours(WINDOW.end, 1), pendingExtension: null } });
      expect(grant(LATER_END)).toMatchObject({ context: { end: LATER_END } });
      expect(grant(plusHours(LATER_END, 1))).toBeUndefined();
      expect(grant(WINDOW.end)).toBeUndefined();
    });

    it("a refused extension keeps the original end", () => {
      const pending = stepWindow(open(), request({}))!;
      const refused = stepWindow(pending, windowEvent("REFUSE_EXTENSION", ACTORS["service centre"]));
      expect(refused).toMatchObject({ value: "open", context: { end: WINDOW.end, pendingExtension: null } });
    });

    it("closing drops a pending extension and records how the window closed", () => {
      const pending = stepWindow(open(), request({}))!;
      expect(stepWindow(pending, windowEvent("END", ACTORS.supplier))).toMatchObject({
        value: "closed",
        context: { closedBy: "ended", pendingExtension: null },
      });
      expect(stepWindow(pending, windowEvent("REVOKE", ACTORS.operations))?.context.closedBy).toBe("revoked");
      expect(stepWindow(pending, windowEvent("EXPIRE", ACTORS.system, { now: WINDOW.end }))?.context.closedBy).toBe("expired");
    });
  });
});
