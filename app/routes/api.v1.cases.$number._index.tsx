import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api } from "~/utils/api.server";
import { requireUser } from "~/utils/auth.server";
import { getCaseView } from "~/workflow/cases.server";

/** One case with its status, the events the caller may send now, and its audit trail. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return api(request, async () => Response.json(await getCaseView(db(), user, String(params.number).slice(0, 40))));
}
