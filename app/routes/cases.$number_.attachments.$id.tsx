import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireUser } from "~/access/guards.server";
import { downloadAttachment } from "~/cases/attachments.server";
import { WorkflowError } from "~/cases/errors";
import { parseId } from "~/http/ids";

/** A file on a case, downloaded (never shown in the page): for whoever sees it; in the trail. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseId(params.id);
  if (id === undefined) throw new Response("Not found", { status: 404 });
  try {
    return await downloadAttachment(db(), user, String(params.number).slice(0, 40), id);
  } catch (error) {
    if (error instanceof WorkflowError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}
