import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { fieldErrorsOf } from "~/ui/forms";
import { invalid } from "~/cases/errors";
import { templateInput } from "~/cases/schemas";
import { saveTemplateFromCase, seesTemplates, templatesFor } from "~/cases/templates.server";

/** The templates and standard changes the caller may see (requesters, the service centre, the CAB). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!seesTemplates(user)) return apiError(403, "Templates are for requesters, the service centre and the CAB.");
  return Response.json({ items: await templatesFor(db(), user) });
}

/** Keeps a case as a template (its requester's systems' administrators): 201 with its id. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to keep a case as a template.");
  return api(request, async () => {
    const parsed = templateInput.safeParse(await readJson(request));
    if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
    const saved = await saveTemplateFromCase(db(), user, parsed.data.fromCase.toUpperCase(), parsed.data.name);
    return Response.json(saved, { status: 201 });
  });
}
