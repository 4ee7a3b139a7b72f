import { eq, inArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";

import type { Db } from "../../db/client";
import { cases, systemAdministrators, systems, type User } from "../../db/schema";
import type { Role } from "../../machines/vocabulary";
import { rolesOf } from "./roles";
import { actingFor } from "./substitutes.server";

/**
 * What a person may see, by role: the service centre, the CAB, operations and administrators see
 * everything; a requester the systems they administer; a system owner the systems they own; a
 * supplier only what concerns its own organisation. Case and window queries filter by this scope,
 * and a single object outside it answers 404 (its existence is not confirmed).
 */
export type Scope = { kind: "all" } | { kind: "systems"; systemIds: number[] } | { kind: "supplier"; organisationId: number };

/**
 * What the person sees: the union of what each of their roles sees (a förvaltare on the CAB sees
 * every case, as the board does). What they may *request* for is one role's: `scopeAs(…, "requester")`.
 */
export async function scopeOf(db: Db, user: Pick<User, "id" | "role" | "organisationId"> & { extraRoles?: readonly Role[] | null }): Promise<Scope> {
  const scopes = await Promise.all(rolesOf(user).map((role) => scopeAs(db, user, role)));
  if (scopes.length === 1) return scopes[0]!;
  if (scopes.some((s) => s.kind === "all")) return { kind: "all" };
  // A supplier holds no other role (users_extra_roles_check): the rest are systems.
  return { kind: "systems", systemIds: [...new Set(scopes.flatMap((s) => (s.kind === "systems" ? s.systemIds : [])))] };
}

/** What one of the person's roles sees: a requester the systems they administer, an owner those they own. */
export async function scopeAs(db: Db, user: Pick<User, "id" | "role" | "organisationId">, role: Role): Promise<Scope> {
  switch (role) {
    case "service-centre":
    case "cab":
    case "operations":
    case "admin":
      return { kind: "all" };
    case "supplier":
      return { kind: "supplier", organisationId: user.organisationId };
    case "requester": {
      // Theirs, and those of whoever they stand in for today (app/access/substitutes.server.ts).
      const rows = await db
        .select({ id: systemAdministrators.systemId })
        .from(systemAdministrators)
        .where(or(eq(systemAdministrators.userId, user.id), sql`${systemAdministrators.userId} in ${actingFor(user.id)}`));
      return { kind: "systems", systemIds: [...new Set(rows.map((r) => r.id))] };
    }
    case "system-owner": {
      const rows = await db
        .select({ id: systems.id })
        .from(systems)
        .where(or(eq(systems.ownerUserId, user.id), sql`${systems.ownerUserId} in ${actingFor(user.id)}`));
      return { kind: "systems", systemIds: rows.map((r) => r.id) };
    }
  }
}

/**
 * The scope as a condition, for any query: `on` names the columns (or SQL of an alias) that hold
 * the subject's system and supplier — `{ systemId: cases.systemId, supplierId: cases.supplierId }`,
 * or `{ systemId: sql\`c.system_id\`, supplierId: sql\`c.supplier_id\` }` in raw SQL, or a
 * system's own `{ systemId: systems.id, supplierId: systems.supplierId }`. Every query that reads
 * cases, windows or systems for a person filters by this, and only by this.
 */
export function scopeWhere(scope: Scope, on: { systemId: SQLWrapper; supplierId: SQLWrapper }): SQL {
  switch (scope.kind) {
    case "all":
      return sql`true`;
    case "systems":
      return scope.systemIds.length ? inArray(on.systemId, scope.systemIds) : sql`false`;
    case "supplier":
      return eq(on.supplierId, scope.organisationId);
  }
}

/** The scope on the cases table. */
export const casesInScope = (scope: Scope) => scopeWhere(scope, { systemId: cases.systemId, supplierId: cases.supplierId });
/** The scope on the systems table: the systems whose cases the person may see. */
export const systemsInScope = (scope: Scope) => scopeWhere(scope, { systemId: systems.id, supplierId: systems.supplierId });

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
