import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError } from "~/http/api.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { requireUser } from "~/access/guards.server";
import { addAttachment } from "~/cases/attachments.server";
import { getCaseView } from "~/cases/views.server";

/**
 * A case's files. GET: those the caller may see (a supplier: the shared ones). POST multipart
 * `file` (and `shared=true` to share it with the supplier): 201 with the file's facts, or 403 /
 * 404 / 413 / 422 (empty, over 10 MB, a type the portal does not keep).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return api(request, async () => Response.json({ items: (await getCaseView(db(), user, String(params.number).slice(0, 40))).attachments }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to attach a file.");
  return api(request, async () => {
    const form = await readFormData(request, BODY_LIMITS.attachment).catch((error: unknown) => {
      if (error instanceof Response)
        throw apiError(error.status, error.status === 413 ? "The body is larger than 12 MB." : "Send the file as multipart/form-data.");
      throw error;
    });
    const file = form.get("file");
    if (!(file instanceof File)) return apiError(422, "Send the file in the field `file`.", { file: "required" });
    const saved = await addAttachment(db(), user, String(params.number).slice(0, 40), {
      name: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      shared: form.get("shared") === "true",
    });
    return Response.json(saved, { status: 201 });
  });
}
