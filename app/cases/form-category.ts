import type { CaseType } from "../../machines/rules";

/**
 * The three request forms and the case types they make. Apart from ./request-form, which builds
 * its zod schemas when loaded: the case page links to "make a copy" by category and must not
 * bring zod to the browser for it (tests/bundle.test.ts).
 */
export type FormCategory = "emergency" | "change" | "standing-access";

export const FORM_CATEGORIES: readonly FormCategory[] = ["emergency", "change", "standing-access"];

export const isFormCategory = (value: unknown): value is FormCategory => FORM_CATEGORIES.includes(value as FormCategory);

/** The form category of a case type. */
export function categoryOf(type: CaseType): FormCategory {
  return type === "simple-change" || type === "advanced-change" ? "change" : type;
}
