import { and, asc, eq, inArray, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, cases, connectorSteps, systemDependencies, systems, type AccessWindow, type Case, type ConnectorStep } from "../../db/schema";
import { env } from "~/env.server";
import { queueMessages } from "~/cases/messages.server";
import { addMembers, removeMembers, type DirectoryConfig } from "./directory.server";
import { expireSilence, putSilence, type MonitoringConfig } from "./monitoring.server";

/**
 * What an access window's moves do outside the portal (decision 023). The transaction that moves
 * a window plans its steps here — grant when it opens, revoke when it closes (revoked, ended or
 * expired), a new end for the silence when it is extended — and the duties loop carries them out
 * after the commit: the portal never holds a database transaction open across a network call, and
 * a step whose connector is down waits, retried with back-off, without undoing the window's move.
 * A window's steps for one connector run strictly in order (a revoke never overtakes its grant).
 * Every answer is kept on the step and written to the trail; a failure alerts operations.
 */
export type Connectors = { directory?: DirectoryConfig; monitoring?: MonitoringConfig };
export type ConnectorName = ConnectorStep["connector"];
export type StepAction = ConnectorStep["action"];

let configured: Connectors | undefined;

/** The connectors this process talks to (from the environment unless set). */
export function connectors(): Connectors {
  if (!configured) {
    const e = env();
    configured = { directory: e.ldap, monitoring: e.alertmanager };
  }
  return configured;
}

/** Sets the connectors (tests and benchmarks start their own directory and Alertmanager). */
export function configureConnectors(value: Connectors): void {
  configured = value;
}

/** How long a claimed step belongs to the instance that claimed it: longer than its network waits (10 s each). */
export const STEP_LEASE_MS = 60_000;
/** Retries back off from 5 s to at most 5 min: access and alarms matter more than mail. */
export const stepBackoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 300_000);

/** Plans the steps a window's move from `from` to `next` asks for, in the caller's transaction. */
export async function planConnectorSteps(tx: Db, c: Case, w: AccessWindow, next: { value: string }, event: string, now: Date): Promise<void> {
  const config = connectors();
  if (!config.directory && !config.monitoring) return;
  const opening = next.value === "open" && w.status !== "open";
  const closing = next.value === "closed" && w.status === "open";
  const extending = event === "APPROVE_EXTENSION" && next.value === "open";
  if (!opening && !closing && !extending) return;
  const planned: { connector: ConnectorName; action: StepAction }[] = [];
  if (opening) {
    const [system] = await tx.select({ group: systems.directoryGroupDn, silence: systems.monitoringSilence }).from(systems).where(eq(systems.id, c.systemId));
    if (config.directory && system?.group) planned.push({ connector: "directory", action: "grant" });
    if (config.monitoring && system && system.silence !== "none") planned.push({ connector: "monitoring", action: "grant" });
  } else {
    // What was granted is what is revoked or extended, whatever the configuration says now.
    const granted = await tx
      .selectDistinct({ connector: connectorSteps.connector })
      .from(connectorSteps)
      .where(and(eq(connectorSteps.windowId, w.id), eq(connectorSteps.action, "grant")));
    for (const { connector } of granted) {
      if (closing) planned.push({ connector, action: "revoke" });
      else if (connector === "monitoring") planned.push({ connector, action: "extend" });
    }
  }
  if (planned.length) await tx.insert(connectorSteps).values(planned.map((p) => ({ ...p, windowId: w.id, nextAttemptAt: now })));
}

/** Claims the oldest due step whose earlier steps (same window, same connector) are all done. */
async function claimStep(db: Db, now: Date): Promise<ConnectorStep | undefined> {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: connectorSteps.id })
      .from(connectorSteps)
      .where(
        and(
          sql`${connectorSteps.status} <> 'done'`,
          sql`${connectorSteps.nextAttemptAt} <= ${now.toISOString()}`,
          sql`not exists (select 1 from connector_steps e where e.window_id = ${connectorSteps.windowId} and e.connector = ${connectorSteps.connector} and e.id < ${connectorSteps.id} and e.status <> 'done')`,
        ),
      )
      .orderBy(asc(connectorSteps.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!due) return undefined;
    const [claimed] = await tx
      .update(connectorSteps)
      .set({ attempts: sql`${connectorSteps.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + STEP_LEASE_MS), updatedAt: now })
      .where(eq(connectorSteps.id, due.id))
      .returning();
    return claimed;
  });
}

const accountsOf = (c: Case) => {
  const accounts = (c.details as { accounts?: unknown }).accounts;
  return Array.isArray(accounts) ? accounts.filter((a): a is string => typeof a === "string" && a.trim() !== "").map((a) => a.trim()) : [];
};

/** The Alertmanager label values a window on `system` silences: its code, and with "dependants" those of the systems that depend on it. */
async function silencedSystems(db: Db, system: { id: number; code: string; silence: string }): Promise<string[]> {
  if (system.silence !== "dependants") return [system.code];
  const dependants = await db
    .select({ code: systems.code })
    .from(systemDependencies)
    .innerJoin(systems, eq(systems.id, systemDependencies.systemId))
    .where(eq(systemDependencies.dependsOnId, system.id));
  return [system.code, ...dependants.map((d) => d.code).filter((code) => code !== system.code)].sort();
}

/** Carries out one step against its connector; returns the answer to keep. Throws when the connector fails. */
async function perform(db: Db, config: Connectors, step: ConnectorStep, w: AccessWindow, c: Case): Promise<Record<string, unknown>> {
  const [system] = await db
    .select({ id: systems.id, code: systems.code, group: systems.directoryGroupDn, silence: systems.monitoringSilence })
    .from(systems)
    .where(eq(systems.id, c.systemId));
  if (!system) throw new Error(`The case's system ${c.systemId} is gone.`);
  // A grant still waiting when its window has closed is not carried out: the access is not given after the fact.
  if (step.action !== "revoke" && w.status !== "open") return { skipped: `the window is ${w.status}` };
  if (step.connector === "directory") {
    const directory = config.directory;
    if (!directory) throw new Error("The directory connector is not configured (LDAP_URL).");
    // A revoke removes from the group the grant added to, even if the system's group has changed since.
    const group = step.action === "revoke" ? ((await grantedGroup(db, w.id)) ?? system.group) : system.group;
    if (!group) throw new Error(`The system ${system.code} names no directory group.`);
    const accounts = accountsOf(c);
    if (step.action === "grant") return { group, added: await addMembers(directory, group, accounts) };
    if (step.action === "revoke") return { group, removed: await removeMembers(directory, group, accounts) };
    return { group, unchanged: true };
  }
  const monitoring = config.monitoring;
  if (!monitoring) throw new Error("The monitoring connector is not configured (ALERTMANAGER_URL).");
  if (step.action === "revoke") {
    if (!w.silenceId) return { skipped: "no silence" };
    await expireSilence(monitoring, w.silenceId);
    return { silenceId: w.silenceId, expired: true };
  }
  const silenced = await silencedSystems(db, system);
  const silence = { systems: silenced, endsAt: w.endsAt, comment: `${c.number}: ${c.title}`, createdBy: "Leverantörsåtkomst" };
  const silenceId = await putSilence(monitoring, silence, step.action === "extend" ? (w.silenceId ?? undefined) : undefined);
  await db.update(accessWindows).set({ silenceId }).where(eq(accessWindows.id, w.id));
  return { silenceId, systems: silenced, label: monitoring.systemLabel, endsAt: w.endsAt.toISOString() };
}

async function grantedGroup(db: Db, windowId: number): Promise<string | null> {
  const [grant] = await db
    .select({ result: connectorSteps.result })
    .from(connectorSteps)
    .where(and(eq(connectorSteps.windowId, windowId), eq(connectorSteps.connector, "directory"), eq(connectorSteps.action, "grant")));
  const group = grant?.result?.group;
  return typeof group === "string" ? group : null;
}

const eventOf = (step: Pick<ConnectorStep, "connector" | "action">) => `${step.connector}.${step.action}`.toUpperCase().replace(".", "_");

async function trail(db: Db, c: Case, step: ConnectorStep, event: string, detail: Record<string, unknown>) {
  await db.insert(auditLog).values({
    action: "connector.step",
    actorLabel: "system",
    caseId: c.id,
    event,
    detail: { windowId: step.windowId, stepId: step.id, connector: step.connector, step: step.action, attempt: step.attempts, ...detail },
  });
}

/** Carries out the due steps (at most `limit` a round); returns how many were done and how many failed. */
export async function runConnectorSteps(
  db: Db,
  now = new Date(),
  options: { limit?: number; config?: Connectors } = {},
): Promise<{ stepsDone: number; stepsFailed: number }> {
  const config = options.config ?? connectors();
  let stepsDone = 0;
  let stepsFailed = 0;
  for (let taken = 0; taken < (options.limit ?? 200); taken++) {
    const step = await claimStep(db, now);
    if (!step) break;
    const [row] = await db
      .select({ w: accessWindows, c: cases })
      .from(accessWindows)
      .innerJoin(cases, eq(cases.id, accessWindows.caseId))
      .where(eq(accessWindows.id, step.windowId));
    if (!row) continue;
    const { w, c } = row;
    try {
      const result = await perform(db, config, step, w, c);
      await db.transaction(async (tx) => {
        await tx.update(connectorSteps).set({ status: "done", result, lastError: null, doneAt: now, updatedAt: now }).where(eq(connectorSteps.id, step.id));
        await trail(tx, c, step, eventOf(step), { result });
        if (step.status === "failed")
          await queueMessages(tx, c, {
            key: `connector-recovered:${step.id}`,
            event: "CONNECTOR_RECOVERED",
            payload: { connector: step.connector, action: step.action },
          });
      });
      stepsDone++;
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000) || "unknown error";
      await db.transaction(async (tx) => {
        await tx
          .update(connectorSteps)
          .set({ status: "failed", lastError: message, nextAttemptAt: new Date(now.getTime() + stepBackoffMs(step.attempts)), updatedAt: now })
          .where(eq(connectorSteps.id, step.id));
        // The first failure is told once, to the trail and to operations; the retries are on the step.
        if (step.status !== "failed") {
          await trail(tx, c, step, `${eventOf(step)}_FAILED`, { error: message });
          await queueMessages(tx, c, {
            key: `connector-failed:${step.id}`,
            event: "CONNECTOR_FAILED",
            payload: { connector: step.connector, action: step.action, error: message },
          });
        }
      });
      stepsFailed++;
    }
  }
  return { stepsDone, stepsFailed };
}

/** Where a window stands with the connectors, for people: each step's last answer, and whether opening or closing failed. */
export type WindowConnectorState = {
  steps: {
    id: number;
    connector: ConnectorName;
    action: StepAction;
    status: ConnectorStep["status"];
    attempts: number;
    lastError: string | null;
    doneAt: string | null;
    nextAttemptAt: string;
    /** What the connector answered, in the words a page shows: the group, the silence's end; `skipped` when there was nothing to do. */
    group: string | null;
    until: string | null;
    skipped: boolean;
  }[];
  /** "opening-failed" / "closing-failed" while a grant / revoke is failing. */
  problem: "opening-failed" | "closing-failed" | "extension-failed" | null;
  /** "opening" / "closing" while one waits for its turn. */
  pending: "opening" | "closing" | "extending" | null;
};

const PROBLEM = { grant: "opening-failed", revoke: "closing-failed", extend: "extension-failed" } as const;
const PENDING = { grant: "opening", revoke: "closing", extend: "extending" } as const;

export async function connectorStates(db: Db, windowIds: number[]): Promise<Map<number, WindowConnectorState>> {
  const states = new Map<number, WindowConnectorState>();
  if (!windowIds.length) return states;
  const rows = await db.select().from(connectorSteps).where(inArray(connectorSteps.windowId, windowIds)).orderBy(asc(connectorSteps.id));
  for (const s of rows) {
    const state = states.get(s.windowId) ?? { steps: [], problem: null, pending: null };
    const result = s.result ?? {};
    state.steps.push({
      id: s.id,
      connector: s.connector,
      action: s.action,
      status: s.status,
      attempts: s.attempts,
      lastError: s.lastError,
      doneAt: s.doneAt?.toISOString() ?? null,
      nextAttemptAt: s.nextAttemptAt.toISOString(),
      group: typeof result.group === "string" ? result.group : null,
      until: typeof result.endsAt === "string" ? result.endsAt : null,
      skipped: "skipped" in result,
    });
    states.set(s.windowId, state);
  }
  // The latest failing step names the problem (closing failed is what matters once closed); the first waiting one what is under way.
  for (const state of states.values()) {
    const failing = [...state.steps].reverse().find((s) => s.status === "failed");
    state.problem = failing ? PROBLEM[failing.action] : null;
    const waiting = state.steps.find((s) => s.status === "pending");
    state.pending = waiting ? PENDING[waiting.action] : null;
  }
  return states;
}
