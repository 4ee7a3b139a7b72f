import { and, asc, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { cases, organisations, systems, users, type User } from "../../db/schema";
import { STANDING_ENDED_STATUSES, STANDING_OPEN_STATUSES } from "../../machines/vocabulary";
import { latestConsentEnd } from "../../machines/rules";
import { stockholmDate } from "../../machines/calendar";
import { casesInScope, scopeOf } from "~/access/scope.server";
import { pendingAccountStep, type AccountStep } from "../../machines/standing-access";

/**
 * The system owner's side of standing access ("ständig åtkomst"): what waits for their consent,
 * what is up for the yearly review, what is in force, and what ended lately.
 */
const ENDED_SHOWN = 20;

const supplierOrg = alias(organisations, "supplier_org");

/** The standing access on the systems `owner` owns: waiting for consent, up for review, active, and the latest that ended. */
export async function standingAccessOf(db: Db, owner: Pick<User, "id" | "role" | "organisationId">) {
  const columns = {
    number: cases.number,
    title: cases.title,
    status: cases.status,
    state: cases.state,
    details: cases.details,
    systemCode: systems.code,
    systemName: systems.name,
    supplierName: supplierOrg.name,
    dpaReference: systems.dpaReference,
    dpaExpiresOn: systems.dpaExpiresOn,
    requesterName: users.name,
    submittedAt: cases.submittedAt,
    updatedAt: cases.updatedAt,
  };
  const base = () =>
    db
      .select(columns)
      .from(cases)
      .innerJoin(systems, eq(systems.id, cases.systemId))
      .innerJoin(users, eq(users.id, cases.requesterId))
      .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId));
  const ours = [casesInScope(await scopeOf(db, owner)), eq(cases.type, "standing-access")];
  const [open, ended] = await Promise.all([
    base()
      .where(and(...ours, inArray(cases.status, [...STANDING_OPEN_STATUSES])))
      .orderBy(asc(cases.submittedAt), asc(cases.id)),
    // Drafts never reached the owner; nor did a draft that was cancelled before it was submitted.
    base()
      .where(and(...ours, inArray(cases.status, [...STANDING_ENDED_STATUSES]), isNotNull(cases.submittedAt)))
      .orderBy(desc(cases.updatedAt), desc(cases.id))
      .limit(ENDED_SHOWN),
  ]);
  const shape = (row: (typeof open)[number]) => {
    const details = row.details as { agreementReference?: unknown; justification?: unknown; accounts?: unknown; supplierPeople?: unknown };
    const context = row.state.context as { reviewDueOn?: unknown; consentUntil?: unknown; accountSteps?: AccountStep[] };
    const reviewDueOn = context.reviewDueOn;
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((a): a is string => typeof a === "string") : []);
    return {
      number: row.number,
      title: row.title,
      status: row.status,
      system: { code: row.systemCode, name: row.systemName },
      supplier: row.supplierName,
      requester: row.requesterName,
      agreementReference: typeof details.agreementReference === "string" ? details.agreementReference : "",
      justification: typeof details.justification === "string" ? details.justification : "",
      accounts: strings(details.accounts),
      supplierPeople: strings(details.supplierPeople),
      /** The supplier's data-processing agreement ("PUB-avtal"): the owner consents knowing when it ends. */
      dpa: row.dpaReference || row.dpaExpiresOn ? { reference: row.dpaReference ?? "", expiresOn: row.dpaExpiresOn } : null,
      reviewDueOn: typeof reviewDueOn === "string" ? reviewDueOn : null,
      consentUntil: typeof context.consentUntil === "string" ? context.consentUntil : null,
      accountSteps: context.accountSteps ?? [],
      submittedAt: row.submittedAt?.toISOString() ?? null,
      updatedAt: row.updatedAt.toISOString(),
    };
  };
  const shaped = open.map(shape);
  const byReview = (a: { reviewDueOn: string | null }, b: { reviewDueOn: string | null }) => (a.reviewDueOn ?? "").localeCompare(b.reviewDueOn ?? "");
  return {
    awaiting: shaped.filter((c) => c.status === "awaiting-consent"),
    reviewDue: shaped.filter((c) => c.status === "review-due").sort(byReview),
    active: shaped.filter((c) => c.status === "active").sort(byReview),
    ended: ended.map(shape),
    endedShown: ENDED_SHOWN,
    /** The latest last day a consent given now may have (its default). */
    latestConsentEnd: latestConsentEnd(new Date()),
    today: stockholmDate(new Date()),
  };
}

/** A standing access's account step waiting for operations (their board). */
export type AccountTask = {
  number: string;
  title: string;
  status: string;
  system: { code: string; name: string };
  supplier: string | null;
  accounts: string[];
  supplierPeople: string[];
  kind: AccountStep["kind"];
  dueAt: string;
  overdue: boolean;
};

/** The accounts operations is to create (consented) or remove (revoked, consent ended), the earliest due first. */
export async function accountTasks(db: Db, user: Pick<User, "id" | "role" | "organisationId">, now = new Date()): Promise<AccountTask[]> {
  const rows = await db
    .select({
      number: cases.number,
      title: cases.title,
      status: cases.status,
      state: cases.state,
      details: cases.details,
      systemCode: systems.code,
      systemName: systems.name,
      supplierName: supplierOrg.name,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(supplierOrg, eq(supplierOrg.id, cases.supplierId))
    .where(
      and(
        casesInScope(await scopeOf(db, user)),
        eq(cases.type, "standing-access"),
        // Only cases with a step nobody has done (or called off): the ended ones pile up otherwise.
        sql`jsonb_path_exists(${cases.state} -> 'context' -> 'accountSteps', '$[*] ? (@.doneAt == null && !exists(@.cancelledAt))')`,
      ),
    );
  const tasks: AccountTask[] = [];
  for (const row of rows) {
    const step = pendingAccountStep((row.state.context as { accountSteps?: AccountStep[] }).accountSteps);
    if (!step) continue;
    const details = row.details as { accounts?: unknown; supplierPeople?: unknown };
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((a): a is string => typeof a === "string") : []);
    tasks.push({
      number: row.number,
      title: row.title,
      status: row.status,
      system: { code: row.systemCode, name: row.systemName },
      supplier: row.supplierName,
      accounts: strings(details.accounts),
      supplierPeople: strings(details.supplierPeople),
      kind: step.kind,
      dueAt: step.dueAt,
      overdue: Date.parse(step.dueAt) < now.getTime(),
    });
  }
  return tasks.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.number.localeCompare(b.number));
}

/** The supplier's standing access (its own organisation's): waiting for consent or in force, with its accounts' state; the first `limit` of it, and how much there is. */
export async function supplierStandingAccess(db: Db, user: Pick<User, "role" | "organisationId">, limit?: number) {
  if (user.role !== "supplier" || !user.organisationId) return { standing: [], total: 0 };
  const query = db
    .select({
      number: cases.number,
      title: cases.title,
      status: cases.status,
      state: cases.state,
      details: cases.details,
      systemCode: systems.code,
      systemName: systems.name,
      loginInstructions: systems.loginInstructions,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .where(and(eq(cases.type, "standing-access"), eq(cases.supplierId, user.organisationId), inArray(cases.status, [...STANDING_OPEN_STATUSES])))
    .orderBy(asc(systems.code), asc(cases.id));
  const rows = limit === undefined ? await query : await query.limit(limit);
  const standing = rows.map((row) => {
    const context = row.state.context as { consentUntil?: string | null; accountSteps?: AccountStep[] };
    const accounts = (row.details as { accounts?: unknown }).accounts;
    const creation = (context.accountSteps ?? []).findLast((s) => s.kind === "create");
    return {
      number: row.number,
      title: row.title,
      status: row.status,
      system: { code: row.systemCode, name: row.systemName },
      accounts: Array.isArray(accounts) ? accounts.filter((a): a is string => typeof a === "string") : [],
      loginInstructions: row.loginInstructions,
      consentUntil: context.consentUntil ?? null,
      /** When the accounts are to be ready, or null once they are (or before the consent). */
      accountsDueAt: creation && !creation.doneAt ? creation.dueAt : null,
      accountsReady: Boolean(creation?.doneAt),
    };
  });
  return { standing, total: rows[0]?.total ?? 0 };
}
