import { and, asc, count, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { alias, type SelectedFields } from "drizzle-orm/pg-core";
import { z } from "zod";

import type { Db } from "../../db/client";
import { INFORMATION_CLASSES, organisations, systemAdministrators, systemDependencies, systems, users, type System, type User } from "../../db/schema";
import { isUniqueViolation, pgError } from "../../db/errors";
import { containing } from "../../db/like";
import { scopeOf, systemsInScope } from "~/access/scope.server";
import { MAX_ID } from "~/http/ids";
import { checkbox, isoDate, optionalId, optionalText, requiredId, text } from "~/ui/fields";
import { formObject, validate, type FieldErrors, type FormResult, msg } from "~/ui/forms";
import { hasRole } from "~/access/roles";
import { pageOf } from "~/ui/paging";
import { holding } from "~/access/roles.server";

export const SYSTEM_CODE = /^[A-Z0-9][A-Z0-9-]{1,19}$/;

export const systemSchema = z
  .object({
    code: z
      .string({ error: msg("validation.required") })
      .trim()
      .toUpperCase()
      .min(1, msg("validation.required"))
      .regex(SYSTEM_CODE, msg("validation.systemCode")),
    name: text(200),
    description: optionalText(4000).transform((v) => v ?? ""),
    ownerUnitId: requiredId,
    ownerUserId: optionalId,
    supplierId: optionalId,
    operatedByProvider: checkbox,
    informationClass: z.enum(INFORMATION_CLASSES, { error: msg("validation.choose") }),
    holdsPersonalData: checkbox,
    dpaReference: optionalText(200),
    dpaExpiresOn: z.preprocess((v) => (v === "" ? undefined : v), isoDate.optional()),
    administratorIds: z.array(z.coerce.number().int().positive().max(MAX_ID)).default([]),
    loginInstructions: optionalText(4000).transform((v) => v ?? ""),
    directoryGroupDn: optionalText(500).refine(
      (v) => v === undefined || /^[A-Za-z][A-Za-z0-9-]*=[^,]+(,[A-Za-z][A-Za-z0-9-]*=[^,]+)*$/.test(v),
      msg("validation.dn"),
    ),
    openAutomatically: checkbox,
    monitoringSilence: z.enum(["none", "system", "dependants"], { error: msg("validation.choose") }).default("system"),
  })
  .superRefine((s, ctx) => {
    // The GDPR rule of the seeds: a supplier that processes personal data needs a PUB-avtal.
    if (s.holdsPersonalData && s.supplierId !== undefined) {
      if (!s.dpaReference) ctx.addIssue({ code: "custom", path: ["dpaReference"], message: msg("validation.dpaRequired") });
      if (!s.dpaExpiresOn) ctx.addIssue({ code: "custom", path: ["dpaExpiresOn"], message: msg("validation.dpaRequired") });
    }
  });
export type SystemInput = z.output<typeof systemSchema>;

export const systemFormArrays = ["administratorIds"] as const;
export const systemFromForm = (formData: FormData) => formObject(formData, systemFormArrays);

export type SystemRow = System & {
  ownerUnitName: string;
  supplierName: string | null;
  dependsOn: string[];
};

const supplierOrg = alias(organisations, "supplier_org");
const ownerOrg = alias(organisations, "owner_org");
/** The codes of the systems a listed system depends on, in order. */
const dependencyCodes = sql<string[]>`coalesce((
  select array_agg(d.code order by d.code) from ${systemDependencies} sd
  join ${systems} d on d.id = sd.depends_on_id
  where sd.system_id = ${systems.id}
), '{}')`;

/** Systems with what a list shows beside them: the owning unit's and the supplier's names and the codes they depend on. */
function listedSystems<F extends SelectedFields>(db: Db, fields: F) {
  return db
    .select({ ...fields, ownerUnitName: ownerOrg.name, supplierName: supplierOrg.name, dependsOn: dependencyCodes })
    .from(systems)
    .innerJoin(ownerOrg, eq(ownerOrg.id, systems.ownerUnitId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, systems.supplierId));
}

export async function listSystems(db: Db, options: { includeInactive?: boolean } = {}): Promise<SystemRow[]> {
  const rows = await listedSystems(db, { system: systems })
    .where(options.includeInactive ? undefined : eq(systems.active, true))
    .orderBy(asc(systems.code));
  return rows.map((r) => ({ ...r.system, ownerUnitName: r.ownerUnitName, supplierName: r.supplierName, dependsOn: r.dependsOn }));
}

/** How many systems the administrator's list shows at a time. */
export const SYSTEMS_PAGE_SIZE = 50;

/** A system as the administrator's list shows it: its six columns, not its whole row. */
export type SystemListRow = Pick<SystemRow, "id" | "code" | "name" | "active" | "ownerUnitName" | "supplierName" | "dependsOn">;

/**
 * One page of the administrator's list of systems, by code, optionally only those whose code or
 * name contains `q` (a municipality has hundreds of systems, each with its description and login
 * instructions: the list sends what it shows, a page at a time).
 */
export async function listSystemsPage(
  db: Db,
  query: { q: string; includeInactive: boolean; page: number },
  pageSize = SYSTEMS_PAGE_SIZE,
): Promise<{ systems: SystemListRow[]; total: number; page: number; pages: number }> {
  const like = containing(query.q);
  const where = and(
    query.includeInactive ? undefined : eq(systems.active, true),
    query.q ? or(ilike(systems.code, like), ilike(systems.name, like)) : undefined,
  );
  const [counted] = await db.select({ n: count() }).from(systems).where(where);
  const total = counted?.n ?? 0;
  const { page, pages, offset } = pageOf(total, query.page, pageSize);
  const rows = await listedSystems(db, { id: systems.id, code: systems.code, name: systems.name, active: systems.active })
    .where(where)
    .orderBy(asc(systems.code))
    .limit(pageSize)
    .offset(offset);
  return { systems: rows, total, page, pages };
}

/** How many active systems there are (the administration's overview). */
export async function countActiveSystems(db: Db): Promise<number> {
  const [counted] = await db.select({ n: count() }).from(systems).where(eq(systems.active, true));
  return counted?.n ?? 0;
}

export type SystemDetail = SystemRow & {
  ownerUserName: string | null;
  administrators: { id: number; name: string; email: string }[];
  dependsOnSystems: { id: number; code: string; name: string; active: boolean }[];
  dependedOnBy: { id: number; code: string; name: string; active: boolean }[];
};

export async function getSystemByCode(db: Db, code: string): Promise<SystemDetail | undefined> {
  if (code.includes("\0")) return undefined; // from an address; PostgreSQL refuses NUL in a query
  const [row] = await db
    .select({
      system: systems,
      ownerUnitName: ownerOrg.name,
      supplierName: supplierOrg.name,
      ownerUserName: users.name,
    })
    .from(systems)
    .innerJoin(ownerOrg, eq(ownerOrg.id, systems.ownerUnitId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, systems.supplierId))
    .leftJoin(users, eq(users.id, systems.ownerUserId))
    .where(eq(systems.code, code.toUpperCase()));
  if (!row) return undefined;
  const id = row.system.id;
  const other = alias(systems, "other");
  const [dependsOnSystems, dependedOnBy, administrators] = await Promise.all([
    db
      .select({ id: other.id, code: other.code, name: other.name, active: other.active })
      .from(systemDependencies)
      .innerJoin(other, eq(other.id, systemDependencies.dependsOnId))
      .where(eq(systemDependencies.systemId, id))
      .orderBy(asc(other.code)),
    db
      .select({ id: other.id, code: other.code, name: other.name, active: other.active })
      .from(systemDependencies)
      .innerJoin(other, eq(other.id, systemDependencies.systemId))
      .where(eq(systemDependencies.dependsOnId, id))
      .orderBy(asc(other.code)),
    db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(systemAdministrators)
      .innerJoin(users, eq(users.id, systemAdministrators.userId))
      .where(eq(systemAdministrators.systemId, id))
      .orderBy(asc(users.name)),
  ]);
  return {
    ...row.system,
    ownerUnitName: row.ownerUnitName,
    supplierName: row.supplierName,
    ownerUserName: row.ownerUserName,
    dependsOn: dependsOnSystems.map((s) => s.code),
    dependsOnSystems,
    dependedOnBy,
    administrators,
  };
}

/** Checks that referenced organisations and people are of the right kind; returns field errors. */
async function checkReferences(db: Db, input: SystemInput): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const orgIds = [input.ownerUnitId, input.supplierId].filter((v): v is number => v !== undefined);
  const orgs = await db.select().from(organisations).where(inArray(organisations.id, orgIds));
  const unit = orgs.find((o) => o.id === input.ownerUnitId);
  if (!unit || !(unit.kind === "municipal-unit" || unit.kind === "service-centre")) {
    errors.ownerUnitId = { key: "validation.unitKind" };
  }
  if (input.supplierId !== undefined) {
    const supplier = orgs.find((o) => o.id === input.supplierId);
    if (!supplier || supplier.kind !== "supplier") errors.supplierId = { key: "validation.supplierKind" };
  }
  const people = [...input.administratorIds, ...(input.ownerUserId ? [input.ownerUserId] : [])];
  if (people.length) {
    const found = await db.select({ id: users.id, role: users.role, extraRoles: users.extraRoles }).from(users).where(inArray(users.id, people));
    const byId = new Map(found.map((u) => [u.id, u]));
    if (input.ownerUserId !== undefined && !hasRole(byId.get(input.ownerUserId), "system-owner")) {
      errors.ownerUserId = { key: "validation.choose" };
    }
    if (input.administratorIds.some((id) => !hasRole(byId.get(id), "requester"))) {
      errors.administratorIds = { key: "validation.choose" };
    }
  }
  return errors;
}

function columns(input: SystemInput) {
  return {
    code: input.code,
    name: input.name,
    description: input.description,
    ownerUnitId: input.ownerUnitId,
    ownerUserId: input.ownerUserId ?? null,
    supplierId: input.supplierId ?? null,
    operatedByProvider: input.operatedByProvider,
    informationClass: input.informationClass,
    holdsPersonalData: input.holdsPersonalData,
    dpaReference: input.dpaReference ?? null,
    dpaExpiresOn: input.dpaExpiresOn ?? null,
    loginInstructions: input.loginInstructions,
    directoryGroupDn: input.directoryGroupDn ?? null,
    openAutomatically: input.openAutomatically,
    monitoringSilence: input.monitoringSilence,
  };
}

export async function createSystem(db: Db, input: unknown): Promise<FormResult<System>> {
  return saveSystem(db, undefined, input);
}

export async function updateSystem(db: Db, id: number, input: unknown): Promise<FormResult<System>> {
  return saveSystem(db, id, input);
}

async function saveSystem(db: Db, id: number | undefined, input: unknown): Promise<FormResult<System>> {
  const parsed = validate(systemSchema, input);
  if (!parsed.ok) return parsed;
  const referenceErrors = await checkReferences(db, parsed.value);
  if (Object.keys(referenceErrors).length) return { ok: false, fieldErrors: referenceErrors };
  try {
    const row = await db.transaction(async (tx) => {
      const [saved] =
        id === undefined
          ? await tx.insert(systems).values(columns(parsed.value)).returning()
          : await tx
              .update(systems)
              .set({ ...columns(parsed.value), updatedAt: new Date() })
              .where(eq(systems.id, id))
              .returning();
      if (!saved) throw new Response("Not found", { status: 404 });
      await tx.delete(systemAdministrators).where(eq(systemAdministrators.systemId, saved.id));
      if (parsed.value.administratorIds.length) {
        await tx.insert(systemAdministrators).values([...new Set(parsed.value.administratorIds)].map((userId) => ({ systemId: saved.id, userId })));
      }
      return saved;
    });
    return { ok: true, value: row };
  } catch (error) {
    if (isUniqueViolation(error, "systems_code_key")) {
      return { ok: false, fieldErrors: { code: { key: "system.duplicateCode" } } };
    }
    throw error;
  }
}

export async function setSystemActive(db: Db, id: number, active: boolean): Promise<System> {
  const [row] = await db.update(systems).set({ active, updatedAt: new Date() }).where(eq(systems.id, id)).returning();
  if (!row) throw new Response("Not found", { status: 404 });
  return row;
}

/** Records that `systemId` depends on the system with code `dependsOnCode`. */
export async function addDependency(db: Db, systemId: number, dependsOnCode: string): Promise<FormResult<System>> {
  const code = dependsOnCode.trim().toUpperCase();
  const [target] = await db.select().from(systems).where(eq(systems.code, code));
  if (!target) return { ok: false, fieldErrors: { dependsOn: { key: "validation.choose" } } };
  if (target.id === systemId) return { ok: false, fieldErrors: { dependsOn: { key: "system.dependencySelf" } } };
  try {
    await db.insert(systemDependencies).values({ systemId, dependsOnId: target.id });
  } catch (error) {
    const { code: pg } = pgError(error);
    if (pg === "23505") return { ok: false, fieldErrors: { dependsOn: { key: "system.dependencyExists" } } };
    throw error;
  }
  return { ok: true, value: target };
}

export async function removeDependency(db: Db, systemId: number, dependsOnId: number): Promise<void> {
  await db.delete(systemDependencies).where(and(eq(systemDependencies.systemId, systemId), eq(systemDependencies.dependsOnId, dependsOnId)));
}

/** People an administrator can pick for a system: requesters (administrators) and system owners. */
export async function systemPeopleChoices(db: Db) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, extraRoles: users.extraRoles })
    .from(users)
    .where(and(or(holding("requester"), holding("system-owner")), sql`${users.status} <> 'deactivated'`))
    .orderBy(asc(users.name));
}

/** Everything the system form offers to choose from. */
export async function systemFormChoices(db: Db) {
  const [units, suppliers, people] = await Promise.all([
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(and(eq(organisations.active, true), inArray(organisations.kind, ["municipal-unit", "service-centre"])))
      .orderBy(asc(organisations.name)),
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(and(eq(organisations.active, true), eq(organisations.kind, "supplier")))
      .orderBy(asc(organisations.name)),
    systemPeopleChoices(db),
  ]);
  return { units, suppliers, people };
}

/**
 * The systems a person may see cases on, by code (filters on /cases and /schedule): everyone's
 * active systems for the roles that see everything, else the systems of their scope, active or not
 * (their history stays reachable).
 */
export async function visibleSystems(db: Db, user: Pick<User, "id" | "role" | "organisationId">): Promise<{ code: string; name: string }[]> {
  const scope = await scopeOf(db, user);
  return db
    .select({ code: systems.code, name: systems.name })
    .from(systems)
    .where(and(systemsInScope(scope), scope.kind === "all" ? eq(systems.active, true) : undefined))
    .orderBy(asc(systems.code));
}
