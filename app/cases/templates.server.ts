import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { caseTemplates, systemAdministrators, systems, users, type CaseTemplate, type User } from "../../db/schema";
import { enqueue } from "~/outbox/enqueue.server";
import { env } from "~/env.server";
import { audit } from "~/audit/audit.server";
import { inScope, scopeAs } from "~/access/scope.server";
import { hasRole, type Holder } from "~/access/roles";
import { isoToStockholmLocal } from "../../machines/time";
import { categoryOf, type FormCategory } from "./form-category";
import { copyValues, valuesFromCase, type RequestFormValues } from "./request-form";
import { getCaseView } from "./views.server";
import { invalid, WorkflowError } from "./errors";
import { PLACES } from "~/ui/places";

/**
 * Request templates and standard changes (decision 026). A requester keeps a request as a template
 * ("monthly patching of GIS") and starts new ones from it; the systems' other requesters see it
 * too. The service centre marks a change template a standard change once the CAB has approved it,
 * citing that approval; a request from a live standard change is a simple change whatever it
 * touches — its lead time, conflicts and freezes are checked as for any simple change. The CAB
 * (or the service centre) withdraws it, with a reason; requests made before keep their type.
 */

export type StandardChange = { templateId: number; name: string; reference: string };

export type TemplateRow = {
  id: number;
  name: string;
  category: FormCategory;
  system: { code: string; name: string };
  owner: string;
  ownerId: number;
  standard: { at: string; by: string; reference: string } | null;
  withdrawn: { at: string; by: string; reason: string } | null;
  /** What the person may do with it (`templateSteps`): the page offers only these. */
  may: TemplateSteps;
  /** A live standard change: marked, not withdrawn. */
  isStandard: boolean;
};

const isLiveStandard = (t: Pick<CaseTemplate, "standardAt" | "withdrawnAt" | "category">) =>
  t.category === "change" && t.standardAt !== null && t.withdrawnAt === null;

/** Who sees templates: the requesters of their systems and the service centre; the CAB sees the standard changes. */
export function seesTemplates(user: Holder): boolean {
  return hasRole(user, ...PLACES.templates.roles);
}

/**
 * Which templates the person sees, role by role (a förvaltare on the CAB sees both kinds): the
 * service centre all; a requester those on the systems they administer; the CAB the standard changes.
 */
async function templatesSeen(db: Db, user: User) {
  const centre = hasRole(user, "service-centre");
  const requested = hasRole(user, "requester") ? await scopeAs(db, user, "requester") : null;
  const systemIds = requested?.kind === "systems" ? requested.systemIds : [];
  const cab = hasRole(user, "cab");
  return {
    where: centre
      ? sql`true`
      : or(
          systemIds.length ? and(inArray(caseTemplates.systemId, systemIds), eq(systems.active, true)) : sql`false`,
          cab ? isNotNull(caseTemplates.standardAt) : sql`false`,
        )!,
    sees: (t: Pick<CaseTemplate, "systemId" | "standardAt">) => centre || systemIds.includes(t.systemId) || (cab && t.standardAt !== null),
  };
}

const owner = alias(users, "template_owner");
const marker = alias(users, "template_marker");
const withdrawer = alias(users, "template_withdrawer");

/** The templates `user` may see, by system and name: a requester's are those on their systems. */
export async function templatesFor(db: Db, user: User): Promise<TemplateRow[]> {
  if (!seesTemplates(user)) return [];
  const seen = await templatesSeen(db, user);
  const rows = await db
    .select({
      t: getTableColumns(caseTemplates),
      systemCode: systems.code,
      systemName: systems.name,
      owner: owner.name,
      marker: marker.name,
      withdrawer: withdrawer.name,
    })
    .from(caseTemplates)
    .innerJoin(systems, eq(systems.id, caseTemplates.systemId))
    .innerJoin(owner, eq(owner.id, caseTemplates.ownerId))
    .leftJoin(marker, eq(marker.id, caseTemplates.standardById))
    .leftJoin(withdrawer, eq(withdrawer.id, caseTemplates.withdrawnById))
    .where(and(isNull(caseTemplates.archivedAt), seen.where))
    .orderBy(asc(systems.code), asc(caseTemplates.name), asc(caseTemplates.id));
  return rows.map(({ t, ...r }) => ({
    id: t.id,
    name: t.name,
    category: t.category,
    system: { code: r.systemCode, name: r.systemName },
    owner: r.owner,
    ownerId: t.ownerId,
    standard: t.standardAt ? { at: t.standardAt.toISOString(), by: r.marker ?? "", reference: t.standardReference ?? "" } : null,
    withdrawn: t.withdrawnAt ? { at: t.withdrawnAt.toISOString(), by: r.withdrawer ?? "", reason: t.withdrawnReason ?? "" } : null,
    isStandard: isLiveStandard(t),
    may: templateSteps(user, t),
  }));
}

export type TemplateSteps = { use: boolean; standard: boolean; withdraw: boolean; archive: boolean };

/**
 * What `user` may do with template `t`, as the commands below decide it: start a request from it
 * (a requester), mark a change template a standard change (the service centre), withdraw a live
 * standard change (the CAB, the service centre), remove it (its owner, the service centre).
 */
export function templateSteps(user: Holder & { id: number }, t: Pick<CaseTemplate, "category" | "standardAt" | "withdrawnAt" | "ownerId">): TemplateSteps {
  return {
    use: hasRole(user, "requester"),
    standard: hasRole(user, "service-centre") && t.category === "change" && !isLiveStandard(t),
    withdraw: hasRole(user, "cab", "service-centre") && isLiveStandard(t),
    archive: hasRole(user, "service-centre") || (hasRole(user, "requester") && t.ownerId === user.id),
  };
}

/** A template `user` may read (404 outside their scope, as a case). */
async function visibleTemplate(db: Db, user: User, id: number, lock = false): Promise<CaseTemplate & { systemSupplierId: number | null }> {
  if (!seesTemplates(user) || !Number.isSafeInteger(id) || id <= 0) throw new WorkflowError(404, "No such template.");
  const query = db
    .select({ t: caseTemplates, supplierId: systems.supplierId })
    .from(caseTemplates)
    .innerJoin(systems, eq(systems.id, caseTemplates.systemId))
    .where(and(eq(caseTemplates.id, id), isNull(caseTemplates.archivedAt)));
  const [row] = lock ? await query.for("update", { of: caseTemplates }) : await query;
  if (!row || !(await templatesSeen(db, user)).sees(row.t)) throw new WorkflowError(404, "No such template.");
  return { ...row.t, systemSupplierId: row.supplierId };
}

/** What a new request from template `id` starts with, for its requester. */
export async function templateForRequest(
  db: Db,
  user: User,
  id: number,
): Promise<{ id: number; name: string; category: FormCategory; values: RequestFormValues; standard: StandardChange | null }> {
  if (!hasRole(user, "requester")) throw new WorkflowError(404, "No such template.");
  const t = await visibleTemplate(db, user, id);
  return {
    id: t.id,
    name: t.name,
    category: t.category,
    values: copyValues(t.values as Partial<RequestFormValues>),
    standard: isLiveStandard(t) ? { templateId: t.id, name: t.name, reference: t.standardReference ?? "" } : null,
  };
}

/**
 * The standard change a request on `systemId` made from template `templateId` is, if any: the
 * template must be a live standard change on the same system. The one check of the rule, for
 * creating, editing and submitting a case.
 */
export async function standardChangeFor(db: Db, templateId: number | null | undefined, systemId: number): Promise<StandardChange | null> {
  if (!templateId) return null;
  const [t] = await db.select().from(caseTemplates).where(eq(caseTemplates.id, templateId));
  if (!t || t.archivedAt || !isLiveStandard(t) || t.systemId !== systemId) return null;
  return { templateId: t.id, name: t.name, reference: t.standardReference ?? "" };
}

/**
 * The template a new case names, checked: the requester must see it, and it must be for the
 * case's system and category (a 422 at the system field otherwise).
 */
export async function templateOfNewCase(db: Db, user: User, templateId: number, systemId: number, category: FormCategory): Promise<CaseTemplate> {
  const t = await visibleTemplate(db, user, templateId).catch(() => invalid({ templateId: { key: "template.unknown" } }));
  if (t.systemId !== systemId) invalid({ systemCode: { key: "template.otherSystem" } });
  if (t.category !== category) invalid({ templateId: { key: "template.otherCategory" } });
  return t;
}

const NAME_MAX = 120;
const nameProblem = (name: string) =>
  !name.trim()
    ? { key: "validation.required" as const }
    : name.trim().length > NAME_MAX
      ? { key: "validation.tooLong" as const, params: { max: NAME_MAX } }
      : null;

/** Keeps `values` (a request's form values) as a template named `name`; the requester must be able to request on its system. */
export async function saveTemplate(
  db: Db,
  user: User,
  input: { name: string; category: FormCategory; values: RequestFormValues; from?: string },
  now = new Date(),
): Promise<{ id: number }> {
  if (!hasRole(user, "requester")) throw new WorkflowError(403, "Only system administrators (requesters) keep templates.");
  const problem = nameProblem(input.name);
  if (problem) invalid({ name: problem });
  const [system] = await db.select().from(systems).where(eq(systems.code, input.values.systemCode));
  if (!system || !system.active || !inScope(await scopeAs(db, user, "requester"), { systemId: system.id, supplierId: system.supplierId }))
    invalid({ systemCode: { key: "case.system.notYours" } });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(caseTemplates)
      .values({
        name: input.name.trim(),
        category: input.category,
        systemId: system.id,
        ownerId: user.id,
        values: copyValues(input.values),
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: caseTemplates.id });
    await audit(tx, {
      action: "template.created",
      actorUserId: user.id,
      detail: { templateId: row!.id, name: input.name.trim(), system: system.code, ...(input.from ? { from: input.from } : {}) },
    });
    return row!;
  });
}

/** Keeps case `number` (as `user` sees it: 404 outside their scope) as a template named `name`. */
export async function saveTemplateFromCase(db: Db, user: User, number: string, name: string): Promise<{ id: number }> {
  if (!hasRole(user, "requester")) throw new WorkflowError(403, "Only system administrators (requesters) keep templates.");
  const view = await getCaseView(db, user, number);
  return saveTemplate(db, user, { name, category: categoryOf(view.type), values: valuesFromCase(view, isoToStockholmLocal), from: view.number });
}

/** The service centre marks a change template a standard change, citing the CAB's approval. */
export async function markStandard(db: Db, user: User, id: number, input: { reference: string }, now = new Date()): Promise<void> {
  if (!hasRole(user, "service-centre")) throw new WorkflowError(403, "Only the service centre marks standard changes.");
  const reference = input.reference.trim();
  if (!reference) invalid({ reference: { key: "template.referenceRequired" } });
  if (reference.length > 200) invalid({ reference: { key: "validation.tooLong", params: { max: 200 } } });
  await db.transaction(async (tx) => {
    const t = await visibleTemplate(tx, user, id, true);
    if (t.category !== "change") invalid({ _form: { key: "template.notAChange" } });
    if (isLiveStandard(t)) throw new WorkflowError(409, "The template is a standard change already.");
    await tx
      .update(caseTemplates)
      .set({
        standardAt: now,
        standardById: user.id,
        standardReference: reference,
        withdrawnAt: null,
        withdrawnById: null,
        withdrawnReason: null,
        updatedAt: now,
      })
      .where(eq(caseTemplates.id, id));
    await audit(tx, { action: "template.standard", actorUserId: user.id, detail: { templateId: id, name: t.name, reference } });
  });
}

/** The CAB (or the service centre) withdraws a standard change: new requests from it are typed by what they touch again. */
export async function withdrawStandard(db: Db, user: User, id: number, input: { reason: string }, now = new Date()): Promise<void> {
  if (!hasRole(user, "cab", "service-centre")) throw new WorkflowError(403, "Only the CAB or the service centre withdraws a standard change.");
  const reason = input.reason.trim();
  if (!reason) invalid({ reason: { key: "validation.required" } });
  if (reason.length > 2000) invalid({ reason: { key: "validation.tooLong", params: { max: 2000 } } });
  await db.transaction(async (tx) => {
    const t = await visibleTemplate(tx, user, id, true);
    if (!isLiveStandard(t)) throw new WorkflowError(409, "The template is not a standard change.");
    await tx.update(caseTemplates).set({ withdrawnAt: now, withdrawnById: user.id, withdrawnReason: reason, updatedAt: now }).where(eq(caseTemplates.id, id));
    await audit(tx, { action: "template.withdrawn", actorUserId: user.id, detail: { templateId: id, name: t.name, reason } });
    // Those who start requests from it are told: its owner and the system's administrators.
    const told = await tx
      .selectDistinct({ address: users.email, lang: users.lang })
      .from(users)
      .leftJoin(systemAdministrators, and(eq(systemAdministrators.userId, users.id), eq(systemAdministrators.systemId, t.systemId)))
      .where(and(eq(users.status, "active"), or(eq(users.id, t.ownerId), isNotNull(systemAdministrators.userId))));
    const [system] = await tx.select({ name: systems.name, code: systems.code }).from(systems).where(eq(systems.id, t.systemId));
    await enqueue(
      tx,
      told.map((r) => ({
        key: `template:${id}:withdrawn:${r.address.toLowerCase()}`,
        template: "template.withdrawn",
        recipient: r.address,
        lang: r.lang,
        payload: { name: t.name, by: user.name, system: system ? `${system.name} (${system.code})` : "", reason, templatesUrl: `${env().appUrl}/templates` },
      })),
    );
  });
}

/** Its owner or the service centre removes a template (cases made from it keep their record of it). */
export async function archiveTemplate(db: Db, user: User, id: number, now = new Date()): Promise<void> {
  if (!hasRole(user, "requester", "service-centre")) throw new WorkflowError(403, "Only its owner or the service centre removes a template.");
  await db.transaction(async (tx) => {
    const t = await visibleTemplate(tx, user, id, true);
    if (!templateSteps(user, t).archive) throw new WorkflowError(403, "Only its owner or the service centre removes a template.");
    await tx.update(caseTemplates).set({ archivedAt: now, updatedAt: now }).where(eq(caseTemplates.id, id));
    await audit(tx, { action: "template.archived", actorUserId: user.id, detail: { templateId: id, name: t.name } });
  });
}
