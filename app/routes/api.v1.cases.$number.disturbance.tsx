import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { applyDisturbance, DISTURBANCE_ACTIONS, type DisturbanceAction } from "~/cases/disturbances.server";
import { WorkflowError } from "~/cases/errors";
import { getCaseView } from "~/cases/views.server";

/**
 * An incident's disturbance on the public status page. GET: what is published (`null` if
 * nothing), for whoever sees the case. POST `{action: "publish"|"update"|"resolve", text?,
 * resolvedAt?}` (the service centre): 200 the disturbance, or 400 / 403 / 404 / 409 / 422.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return api(request, async () => Response.json({ disturbance: (await getCaseView(db(), user, String(params.number).slice(0, 40))).disturbance }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to publish, update or resolve.");
  const number = String(params.number).slice(0, 40);
  return api(request, async () => {
    const body = (await readJson(request)) as Record<string, unknown> | null;
    const step = body && typeof body === "object" ? body.action : undefined;
    if (!DISTURBANCE_ACTIONS.includes(step as DisturbanceAction)) throw new WorkflowError(400, `action must be one of ${DISTURBANCE_ACTIONS.join(", ")}.`);
    const text = body!.text;
    const resolvedAt = body!.resolvedAt;
    if ((text !== undefined && typeof text !== "string") || (resolvedAt !== undefined && typeof resolvedAt !== "string"))
      throw new WorkflowError(400, "text and resolvedAt are strings.");
    await applyDisturbance(db(), user, number, { action: step as DisturbanceAction, text, resolvedAt });
    return Response.json({ disturbance: (await getCaseView(db(), user, number)).disturbance });
  });
}
