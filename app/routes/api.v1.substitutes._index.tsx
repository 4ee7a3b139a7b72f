import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { nameSubstitute, substitutionsOf } from "~/access/substitutes.server";
import { WorkflowError } from "~/cases/errors";

/**
 * The caller's substitutes. GET: those they named (`mine`) and those they stand in for
 * (`standingIn`). POST `{substituteId, startsOn, endsOn}` (a system administrator or owner): 201
 * with its id, or 403 / 422 at the field.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { mine, standingIn } = await substitutionsOf(db(), user);
  return Response.json({ mine, standingIn });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to name a substitute.");
  return api(request, async () => {
    const body = (await readJson(request)) as Record<string, unknown> | null;
    if (!body || typeof body !== "object" || typeof body.startsOn !== "string" || typeof body.endsOn !== "string")
      throw new WorkflowError(400, "Send {substituteId, startsOn, endsOn} (dates as YYYY-MM-DD).");
    const substituteId = Number.isInteger(body.substituteId) ? (body.substituteId as number) : undefined;
    const id = await nameSubstitute(db(), user, { substituteId, startsOn: body.startsOn, endsOn: body.endsOn });
    return Response.json({ id }, { status: 201 });
  });
}
