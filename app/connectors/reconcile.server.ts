import { and, eq, inArray, isNotNull } from "drizzle-orm";

import type { Db } from "../../db/client";
import { accessWindows, auditLog, cases, systems } from "../../db/schema";
import { operationsMailboxes } from "~/cases/messages.server";
import { enqueue } from "~/outbox/enqueue.server";
import { accountOf, membersOf, removeMembers } from "./directory.server";
import { connectors, type Connectors } from "./steps.server";

/**
 * Start-up reconciliation of the directory: an account of ours (an entry under the user base) in
 * a system's admin group without an open window — or a standing access — on a system with that
 * group is removed, written to the trail and reported to operations. Whatever happened while the
 * portal was down (a crash between a close and its revoke, a hand-made change), the directory
 * ends up saying what the portal says. Entries that are not ours (other bases, a group's
 * placeholder member) are left alone.
 */
export type Reconciled = { group: string; removed: string[] }[];

export async function reconcileDirectory(db: Db, now = new Date(), config: Connectors = connectors()): Promise<{ reconciled: Reconciled; errors: string[] }> {
  const directory = config.directory;
  if (!directory) return { reconciled: [], errors: [] };
  const groups = await db.selectDistinct({ group: systems.directoryGroupDn }).from(systems).where(isNotNull(systems.directoryGroupDn));
  const reconciled: Reconciled = [];
  const errors: string[] = [];
  for (const { group } of groups) {
    if (!group) continue;
    try {
      const expected = await entitled(db, group);
      const members = await membersOf(directory, group);
      const orphans = members.map((dn) => accountOf(directory, dn)).filter((a): a is string => a !== null && !expected.has(a.toLowerCase()));
      if (!orphans.length) continue;
      const removed = await removeMembers(directory, group, orphans);
      reconciled.push({ group, removed });
      await db
        .insert(auditLog)
        .values({ at: now, action: "connector.reconcile", actorLabel: "system", event: "DIRECTORY_RECONCILE", detail: { group, removed } });
    } catch (error) {
      errors.push(`${group}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (reconciled.length) {
    const lines = reconciled.flatMap((r) => r.removed.map((dn) => `${dn} (${r.group})`)).join("\n");
    const count = reconciled.reduce((n, r) => n + r.removed.length, 0);
    const mailboxes = await operationsMailboxes(db);
    await enqueue(
      db,
      mailboxes.map((address) => ({
        key: `reconcile:${now.toISOString()}:${address}`,
        template: "connector.reconciled" as const,
        recipient: address,
        payload: { count, removed: lines },
      })),
    );
  }
  return { reconciled, errors };
}

/** The accounts (lower-case) that may be in `group` now: those of open windows and of standing access on the systems naming it. */
async function entitled(db: Db, group: string): Promise<Set<string>> {
  const open = await db
    .select({ details: cases.details })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(and(eq(systems.directoryGroupDn, group), eq(accessWindows.status, "open")));
  const standing = await db
    .select({ details: cases.details })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(and(eq(systems.directoryGroupDn, group), eq(cases.type, "standing-access"), inArray(cases.status, ["active", "review-due"])));
  const accounts = new Set<string>();
  for (const { details } of [...open, ...standing]) {
    const list = (details as { accounts?: unknown }).accounts;
    if (Array.isArray(list)) for (const a of list) if (typeof a === "string") accounts.add(a.trim().toLowerCase());
  }
  return accounts;
}
