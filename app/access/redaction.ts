/**
 * What the supplier never sees — one rule for every channel: the case page and its data, the
 * API, e-mail to the supplier's mailbox, the schedule (page, `.data`, iCalendar feed) and the
 * supplier's own page.
 *
 * A supplier is outside the municipality. It sees its own organisation's windows and what it
 * needs to do the work, but not
 * - the municipality's internal notes on a change: risk, test plan, rollback plan, impact;
 * - the reasons in the trail (the service centre's, the board's, the requester's);
 * - conflicts, which are derived from other suppliers' work;
 * - the log of messages a case caused (the municipality's correspondence);
 * - comments and files the municipality marked internal.
 *
 * Everyone else who may see a case sees all of it (who may see a case at all is the scope's
 * business: `ownership.server.ts`).
 */
export type Audience = "municipality" | "supplier";

/** Case details that are the municipality's internal notes. */
export const INTERNAL_DETAILS = ["risk", "testPlan", "rollbackPlan", "impactDescription"] as const;

export function audienceOf(person: { role: string } | null | undefined): Audience {
  return person?.role === "supplier" ? "supplier" : "municipality";
}

export const seesInternalDetails = (audience: Audience) => audience !== "supplier";
export const seesReasons = (audience: Audience) => audience !== "supplier";
export const seesConflicts = (audience: Audience) => audience !== "supplier";
/** The messages a case caused (to whom, when): the municipality's correspondence. */
export const seesMessageLog = (audience: Audience) => audience !== "supplier";

/** A case's details as the audience may see them. */
export function detailsFor<T extends Record<string, unknown>>(audience: Audience, details: T): Partial<T> {
  if (seesInternalDetails(audience)) return details;
  return Object.fromEntries(Object.entries(details).filter(([key]) => !(INTERNAL_DETAILS as readonly string[]).includes(key))) as Partial<T>;
}

/** A reason (trail, message) as the audience may see it: null when it may not. */
export function reasonFor(audience: Audience, reason: string | null | undefined): string | null {
  return seesReasons(audience) ? (reason ?? null) : null;
}

/** A conflict flag or count as the audience may see it: null when it may not. */
export function conflictsFor<T>(audience: Audience, value: T): T | null {
  return seesConflicts(audience) ? value : null;
}

/**
 * A comment or file (and its trail entry) marked internal is the municipality's; one shared with
 * the supplier is the supplier's to see too.
 */
export const seesShared = (audience: Audience, shared: boolean) => shared || audience !== "supplier";

/**
 * A case's trail as the audience may see it: entries marked internal left out for the supplier,
 * a shared entry's text (a shared comment, a shared file's name) kept, every other reason as
 * `reasonFor` says.
 */
export function trailFor<T extends { shared: boolean | null; reason: string | null }>(audience: Audience, entries: T[]): T[] {
  return entries
    .filter((e) => e.shared === null || seesShared(audience, e.shared))
    .map((e) => ({ ...e, reason: e.shared ? e.reason : reasonFor(audience, e.reason) }));
}

/** A comment's entry in a case's trail (the thread is the trail's comments). */
export const isComment = (entry: { event: string }) => entry.event === "COMMENTED";
