import type { ActionFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { endSubstitution } from "~/access/substitutes.server";
import { WorkflowError } from "~/cases/errors";
import { parseId } from "~/http/ids";

/** Ends one of the caller's substitutions now: POST `{action: "end"}`; 404 for one that is not theirs. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to end a substitution.");
  const id = parseId(params.id);
  if (!id) return apiError(404, "No such substitution.");
  return api(request, async () => {
    const body = (await readJson(request)) as Record<string, unknown> | null;
    if (body?.action !== "end") throw new WorkflowError(400, 'Send {action: "end"}.');
    await endSubstitution(db(), user, id);
    return Response.json({ id, ended: true });
  });
}
