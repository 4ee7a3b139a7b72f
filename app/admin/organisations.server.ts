import { and, asc, count, eq, or, sql } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import { ORGANISATION_KINDS, organisations, systems, type Organisation, type OrganisationKind } from "../../db/schema";
import { isUniqueViolation } from "../../db/errors";
import { optionalText, text } from "~/ui/fields";
import { validate, type FormResult, msg } from "~/ui/forms";

export const organisationSchema = z.object({
  name: text(200),
  kind: z.enum(ORGANISATION_KINDS, { error: msg("validation.choose") }),
  mailbox: z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(254)
    .pipe(z.email("validation.email")),
  phone: optionalText(40).refine((v) => v === undefined || /^\+?[0-9][0-9 -]{4,}$/.test(v), msg("validation.phone")),
  orgNumber: optionalText(11).refine((v) => v === undefined || /^\d{6}-\d{4}$/.test(v), msg("validation.orgNumber")),
});
export type OrganisationInput = z.output<typeof organisationSchema>;

export type OrganisationRow = Organisation & { systemCount: number };

export async function listOrganisations(db: Db, options: { includeInactive?: boolean; kind?: OrganisationKind } = {}): Promise<OrganisationRow[]> {
  const rows = await db
    .select({
      organisation: organisations,
      systemCount: sql<number>`(
        select count(*)::int from ${systems}
        where ${systems.active} and (${systems.supplierId} = ${organisations.id} or ${systems.ownerUnitId} = ${organisations.id})
      )`,
    })
    .from(organisations)
    .where(and(options.includeInactive ? undefined : eq(organisations.active, true), options.kind ? eq(organisations.kind, options.kind) : undefined))
    .orderBy(asc(organisations.kind), asc(organisations.name));
  return rows.map((r) => ({ ...r.organisation, systemCount: r.systemCount }));
}

export async function getOrganisation(db: Db, id: number): Promise<Organisation | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

export async function createOrganisation(db: Db, input: unknown): Promise<FormResult<Organisation>> {
  const parsed = validate(organisationSchema, input);
  if (!parsed.ok) return parsed;
  try {
    const [row] = await db.insert(organisations).values(parsed.value).returning();
    return { ok: true, value: row! };
  } catch (error) {
    if (isUniqueViolation(error, "organisations_name_key")) {
      return { ok: false, fieldErrors: { name: { key: "org.duplicateName" } } };
    }
    throw error;
  }
}

export async function updateOrganisation(db: Db, id: number, input: unknown): Promise<FormResult<Organisation>> {
  const parsed = validate(organisationSchema, input);
  if (!parsed.ok) return parsed;
  try {
    const [row] = await db
      .update(organisations)
      .set({ ...parsed.value, phone: parsed.value.phone ?? null, orgNumber: parsed.value.orgNumber ?? null, updatedAt: new Date() })
      .where(eq(organisations.id, id))
      .returning();
    if (!row) throw new Response("Not found", { status: 404 });
    return { ok: true, value: row };
  } catch (error) {
    if (isUniqueViolation(error, "organisations_name_key")) {
      return { ok: false, fieldErrors: { name: { key: "org.duplicateName" } } };
    }
    throw error;
  }
}

/**
 * Deactivates or reactivates an organisation. An organisation that still owns or supplies active
 * systems cannot be deactivated: the systems would point at nobody.
 */
export async function setOrganisationActive(db: Db, id: number, active: boolean): Promise<FormResult<Organisation>> {
  if (!active) {
    const [inUse] = await db
      .select({ n: count() })
      .from(systems)
      .where(and(eq(systems.active, true), or(eq(systems.supplierId, id), eq(systems.ownerUnitId, id))));
    if (inUse && inUse.n > 0) {
      return { ok: false, fieldErrors: { _form: { key: "org.inUse", params: { count: inUse.n } } } };
    }
  }
  const [row] = await db.update(organisations).set({ active, updatedAt: new Date() }).where(eq(organisations.id, id)).returning();
  if (!row) throw new Response("Not found", { status: 404 });
  return { ok: true, value: row };
}
