/**
 * Ids taken from forms and addresses. Kept apart from `forms.ts` (zod schemas), so a route that
 * only needs an id does not carry zod into its browser bundle.
 */

/** The largest id a row can have (PostgreSQL's integer); a larger one is no id at all. */
export const MAX_ID = 2_147_483_647;

/** An id from a form or an address ("12"), or undefined for anything that cannot be one. */
export function parseId(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id >= 1 && id <= MAX_ID ? id : undefined;
}
