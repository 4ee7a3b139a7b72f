import { WorkflowError } from "~/cases/errors";

/** How a workflow call was refused (its status and field errors), or null when it was not. */
export async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowError) return { status: error.status, fields: error.fieldErrors };
    throw error;
  }
  return null;
}
