import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { sendWindowEvent } from "~/cases/windows.server";

/**
 * Sends an event to an access window: GRANT / REVOKE (operations), END / REQUEST_EXTENSION
 * (the supplier), APPROVE_EXTENSION / REFUSE_EXTENSION (the service centre). 200 with the window
 * (`caseStatus` is its case's status now); 404 for a window outside the caller's scope; 403 / 409
 * / 422 from the workflow service; 400 for a body that is not JSON.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to send an event.");
  const id = /^\d{1,10}$/.test(params.id ?? "") ? Number(params.id) : NaN;
  if (!Number.isSafeInteger(id)) return apiError(404, "No such access window.");
  return api(request, async () => Response.json(await sendWindowEvent(db(), user, id, await readJson(request))));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return apiError(405, "Use POST to send an event.");
}
