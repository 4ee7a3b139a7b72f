import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { getCaseView } from "~/cases/views.server";

/** One case with its status, the events the caller may send now, and its audit trail. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return api(request, async () => Response.json(await getCaseView(db(), user, String(params.number).slice(0, 40))));
}
