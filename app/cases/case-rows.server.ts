import { eq } from "drizzle-orm";
import { alias, type SelectedFields } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { cases, organisations, systems, users } from "../../db/schema";

/**
 * A case with the parties every view of it names — its system, its requester and its supplier —
 * read one way for the case page, the API, the CAB's agenda and the owner's page. Callers add
 * their `where` and `orderBy` (and may add columns of the joined tables).
 */
export const supplierOrg = alias(organisations, "supplier_org");

export const CASE_WITH_PARTIES = {
  c: cases,
  systemCode: systems.code,
  systemName: systems.name,
  supplierName: supplierOrg.name,
  requesterName: users.name,
};

export function casesWithParties<Extra extends SelectedFields = Record<never, never>>(db: Db, extra?: Extra) {
  const fields = { ...CASE_WITH_PARTIES, ...extra } as typeof CASE_WITH_PARTIES & Extra;
  return db
    .select(fields)
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .innerJoin(users, eq(users.id, cases.requesterId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId))
    .$dynamic();
}
