import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { downloadAttachment } from "~/cases/attachments.server";
import { parseId } from "~/http/ids";

/** A file's content, as an attachment; 404 for one the caller may not see. The download is in the trail. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseId(params.id);
  if (id === undefined) return apiError(404, "No such file.");
  return api(request, () => downloadAttachment(db(), user, String(params.number).slice(0, 40), id));
}
