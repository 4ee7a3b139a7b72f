import type { z } from "zod";

import type { MessageKey, Msg } from "~/i18n";

/**
 * Form validation shared by the browser and the server: the conversion of a failed zod parse into
 * one translatable message per field, and form data as a plain object. No zod at run time: a
 * page's module that names any of these (even only in its action) keeps this module in the
 * browser's bundle, and zod (90 KiB gzip) must come only with the forms that validate there.
 * The reusable field schemas are in ./fields.
 */
export type FieldErrors = Partial<Record<string, Msg>>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

/**
 * Whether a zod issue's message is one of ours. Our schemas give translation keys (written as
 * `MessageKey`s, so the compiler checks them: see `msg` below); zod's own messages are English
 * sentences, never shaped like a key, and are replaced by a key for the issue's code.
 */
function isOurKey(message: string): message is MessageKey {
  return /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9-]+)+$/.test(message);
}

/** A schema message: a translation key the compiler checks. */
export const msg = (key: MessageKey): string => key;

/** The message for one zod issue: the schema's own key if it gave one, else one by issue code. */
export function issueMessage(issue: z.core.$ZodIssue): Msg {
  const params = (issue as { params?: Record<string, string | number> }).params;
  if (isOurKey(issue.message)) return { key: issue.message, params };
  switch (issue.code) {
    case "too_small":
      return issue.origin === "string" && Number(issue.minimum) <= 1
        ? { key: "validation.required" }
        : { key: "validation.tooShort", params: { min: Number(issue.minimum) } };
    case "too_big":
      return { key: "validation.tooLong", params: { max: Number(issue.maximum) } };
    case "invalid_format":
      return issue.format === "email" ? { key: "validation.email" } : { key: "validation.invalid" };
    case "invalid_value":
      return { key: "validation.choose" };
    case "invalid_type":
      return issue.input === undefined || issue.input === null || issue.input === "" ? { key: "validation.required" } : { key: "validation.invalid" };
    default:
      return { key: "validation.invalid" };
  }
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.map(String).join(".") : "_form";
    errors[field] ??= issueMessage(issue);
  }
  return errors;
}

export function validate<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, fieldErrors: fieldErrorsOf(result.error) };
}

/**
 * A plain object from form data: repeated names become arrays when `arrays` lists them, an
 * unchecked checkbox is absent (so schemas treat a missing boolean as false).
 */
export function formObject(formData: FormData, arrays: readonly string[] = []): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const values = formData.getAll(key).filter((v): v is string => typeof v === "string");
    object[key] = arrays.includes(key) ? values : values[0];
  }
  for (const key of arrays) object[key] ??= [];
  return object;
}
