import type { Role } from "../../machines/vocabulary";

/**
 * The roles a person holds: their first role and any extra ones (a förvaltare who also sits on
 * the CAB has one account with both). One home for "may this person act as …": guards, scope,
 * navigation, the workflow's actor and the pages ask here, never `user.role` alone.
 */
export type Holder = { role: Role; extraRoles?: readonly Role[] | null };

export const rolesOf = (person: Holder): Role[] => [person.role, ...(person.extraRoles ?? []).filter((r) => r !== person.role)];

/** Whether the person holds any of `roles`. */
export const hasRole = (person: Holder | null | undefined, ...roles: Role[]): boolean => Boolean(person) && rolesOf(person!).some((r) => roles.includes(r));

/** The extra roles a person may hold with `role`: none for a supplier, never the supplier's, never `role` itself. */
export function extraRolesProblem(role: Role, extra: readonly Role[]): "supplier" | null {
  if (!extra.length) return null;
  return role === "supplier" || extra.includes("supplier") ? "supplier" : null;
}
