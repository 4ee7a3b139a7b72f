import { and, asc, eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { organisations, systemDependencies, systems, type User } from "../../db/schema";
import { scopeAs } from "~/access/scope.server";
import { earliestStart, stockholmDate } from "../../machines/calendar";
import type { FieldErrors } from "~/ui/forms";
import type { SystemChoice } from "~/components/request-form";
import { formField, type Earliest } from "./request-form";

/** What a request form offers a requester: their systems (with the dependency graph), suppliers, lead times. */
export async function requestFormContext(db: Db, user: User, now = new Date()) {
  // The systems the person requests for (as a system administrator), whatever else their other roles see.
  const scope = await scopeAs(db, user, "requester");
  const mineIds = scope.kind === "systems" ? scope.systemIds : [];
  const supplier = organisations;
  const [all, edges, suppliers, centre] = await Promise.all([
    db
      .select({ id: systems.id, code: systems.code, name: systems.name, supplierName: supplier.name })
      .from(systems)
      .leftJoin(supplier, eq(supplier.id, systems.supplierId))
      .where(eq(systems.active, true))
      .orderBy(asc(systems.code)),
    db.select().from(systemDependencies),
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(and(eq(organisations.kind, "supplier"), eq(organisations.active, true)))
      .orderBy(asc(organisations.name)),
    db
      .select({ phone: organisations.phone })
      .from(organisations)
      .where(and(eq(organisations.kind, "service-centre"), eq(organisations.active, true)))
      .limit(1),
  ]);
  const codeOf = new Map(all.map((s) => [s.id, s.code]));
  // The systems that depend on each one, through any number of steps: a change to it may affect them.
  const dependantsOf = new Map<number, number[]>();
  for (const e of edges) dependantsOf.set(e.dependsOnId, [...(dependantsOf.get(e.dependsOnId) ?? []), e.systemId]);
  const dependants = (id: number) => {
    const seen = new Set([id]);
    const queue = [id];
    while (queue.length) {
      for (const next of dependantsOf.get(queue.shift()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    seen.delete(id);
    return [...seen]
      .map((i) => codeOf.get(i))
      .filter((c): c is string => Boolean(c))
      .sort();
  };
  const today = stockholmDate(now);
  const earliest: Earliest = { "simple-change": earliestStart("simple-change", today), "advanced-change": earliestStart("advanced-change", today) };
  const systemsOfUser: SystemChoice[] = all
    .filter((s) => mineIds.includes(s.id))
    .map((s) => ({ code: s.code, name: s.name, supplierName: s.supplierName, dependants: dependants(s.id) }));
  return {
    earliest,
    systems: systemsOfUser,
    allSystems: all.map((s) => ({ code: s.code, name: s.name })),
    suppliers,
    serviceCentrePhone: centre[0]?.phone ?? null,
  };
}

/** The workflow service's field errors, renamed to the form's fields. */
export function toFormErrors(errors: FieldErrors | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, msg] of Object.entries(errors ?? {})) out[formField(field)] ??= msg;
  return out;
}
