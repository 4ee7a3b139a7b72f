import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { parseId } from "~/http/ids";
import { fieldErrorsOf } from "~/ui/forms";
import { invalid } from "~/cases/errors";
import { templateActionInput } from "~/cases/schemas";
import { archiveTemplate, markStandard, templatesFor, withdrawStandard } from "~/cases/templates.server";

/** Marks a standard change (service centre), withdraws one (CAB, service centre) or removes a template (its owner, service centre). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST.");
  const id = parseId(params.id);
  if (!id) return apiError(404, "No such template.");
  return api(request, async () => {
    const parsed = templateActionInput.safeParse(await readJson(request));
    if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
    const input = parsed.data;
    if (input.action === "standard") await markStandard(db(), user, id, { reference: input.reference });
    if (input.action === "withdraw") await withdrawStandard(db(), user, id, { reason: input.reason });
    if (input.action === "archive") await archiveTemplate(db(), user, id);
    return Response.json({ id, template: (await templatesFor(db(), user)).find((t) => t.id === id) ?? null });
  });
}

/** GET is not an action: 405 — after the 401 that every non-public API address gives anonymous callers. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return apiError(405, "Use POST.");
}
