import { and, asc, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "../../db/client";
import { cases, organisations, systems, users, type User } from "../../db/schema";
import { STANDING_ENDED_STATUSES, STANDING_OPEN_STATUSES } from "../../machines/vocabulary";
import { casesInScope, scopeOf } from "~/access/scope.server";

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
    const details = row.details as { agreementReference?: unknown; justification?: unknown; accounts?: unknown };
    const reviewDueOn = (row.state.context as { reviewDueOn?: unknown }).reviewDueOn;
    return {
      number: row.number,
      title: row.title,
      status: row.status,
      system: { code: row.systemCode, name: row.systemName },
      supplier: row.supplierName,
      requester: row.requesterName,
      agreementReference: typeof details.agreementReference === "string" ? details.agreementReference : "",
      justification: typeof details.justification === "string" ? details.justification : "",
      accounts: Array.isArray(details.accounts) ? details.accounts.filter((a): a is string => typeof a === "string") : [],
      reviewDueOn: typeof reviewDueOn === "string" ? reviewDueOn : null,
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
  };
}
