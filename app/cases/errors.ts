import type { Problems } from "../../machines";
import type { MessageKey } from "~/i18n";
import type { FieldErrors } from "~/ui/forms";

/**
 * A refusal by the case service: 403 (who), 404 (outside the caller's scope), 409 (not in this
 * state), 422 (content), with the problems by field where there are any. The API answers it as
 * JSON (app/http/api.server.ts); a page shows it at its form's fields (`formErrors`).
 */
export class WorkflowError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422,
    readonly error: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(error);
  }
}

export const toFieldErrors = (problems: Problems): FieldErrors =>
  Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, { key: p.key as never, params: p.params }]));

export function invalid(problems: Problems | FieldErrors, error = "The request is not valid."): never {
  throw new WorkflowError(422, error, toFieldErrors(problems as Problems));
}

/** What a form says when a refusal names no field, by status. */
const FORM_MESSAGES: Record<WorkflowError["status"], MessageKey> = {
  400: "case.event.refused",
  403: "case.action.forbidden",
  404: "case.event.refused",
  409: "error.409.text",
  422: "case.event.refused",
};

/**
 * A refusal as a form's errors. `fields`: the fields the form has — their problems stay at the
 * field, any other problem becomes the form's (`_form`); without `fields`, every field keeps its
 * own (the event's `type` is the form's). A refusal that names no field gets the form's message
 * for its status (`messages` overrides the defaults).
 */
export function formErrors(
  error: WorkflowError,
  options: { fields?: readonly string[]; messages?: Partial<Record<WorkflowError["status"], MessageKey>> } = {},
): FieldErrors {
  const errors: FieldErrors = error.fieldErrors?._form ? { _form: error.fieldErrors._form } : {};
  for (const [field, msg] of Object.entries(error.fieldErrors ?? {})) {
    if (!msg) continue;
    const own = options.fields ? options.fields.includes(field) : field !== "type" && field !== "_form";
    if (own) errors[field] = msg;
    else errors._form ??= msg;
  }
  if (!Object.keys(errors).length) errors._form = { key: options.messages?.[error.status] ?? FORM_MESSAGES[error.status] };
  return errors;
}
