import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { applyEvent } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";

/** Sends an event to a case: 200 the case, or 403 / 404 / 409 / 422 with the reason. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to send an event.");
  return api(request, async () => {
    const changed = await applyEvent(db(), user, String(params.number).slice(0, 40), await readJson(request));
    return Response.json(await getCaseView(db(), user, changed.number));
  });
}

/** GET is not an event: 405 — after the 401 that every non-public API address gives anonymous callers. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return apiError(405, "Use POST to send an event.");
}
