import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { systemAdministrators, systems, type User } from "../../db/schema";

/**
 * What a person may see, by role: the service centre, the CAB, operations and administrators see
 * everything; a requester the systems they administer; a system owner the systems they own; a
 * supplier only what concerns its own organisation. Case and window queries filter by this scope,
 * and a single object outside it answers 404 (its existence is not confirmed).
 */
export type Scope =
  | { kind: "all" }
  | { kind: "systems"; systemIds: number[] }
  | { kind: "supplier"; organisationId: number };

export async function scopeOf(db: Db, user: Pick<User, "id" | "role" | "organisationId">): Promise<Scope> {
  switch (user.role) {
    case "service-centre":
    case "cab":
    case "operations":
    case "admin":
      return { kind: "all" };
    case "supplier":
      return { kind: "supplier", organisationId: user.organisationId };
    case "requester": {
      const rows = await db.select({ id: systemAdministrators.systemId }).from(systemAdministrators).where(eq(systemAdministrators.userId, user.id));
      return { kind: "systems", systemIds: rows.map((r) => r.id) };
    }
    case "system-owner": {
      const rows = await db.select({ id: systems.id }).from(systems).where(eq(systems.ownerUserId, user.id));
      return { kind: "systems", systemIds: rows.map((r) => r.id) };
    }
  }
}

/** Whether something on `system` (done by `supplierId`, if any) is within the scope. */
export function inScope(scope: Scope, subject: { systemId: number; supplierId: number | null }): boolean {
  switch (scope.kind) {
    case "all":
      return true;
    case "systems":
      return scope.systemIds.includes(subject.systemId);
    case "supplier":
      return subject.supplierId === scope.organisationId;
  }
}

/** Throws 404 unless the subject is within the scope. */
export function requireInScope(scope: Scope, subject: { systemId: number; supplierId: number | null }): void {
  if (!inScope(scope, subject)) throw new Response("Not found", { status: 404 });
}
