import type { Problems } from "../../machines";
import type { FieldErrors } from "~/ui/forms";

/**
 * The one service that changes cases. Every change — from a form or from the API — is an event:
 * load the case, restore its machine state, check who may send the event (403), whether its
 * content is acceptable (422) and whether the state accepts it (409), then persist the next state
 * guarded by the case's version, with its audit row and its outbox messages, in one transaction.
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
