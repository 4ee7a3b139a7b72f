import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/access/guards.server";

/** Unknown API addresses: 401 for anonymous callers (as for every API address), else a JSON 404. */
async function notFound({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return Response.json({ error: "Not found" }, { status: 404 });
}

export const loader = notFound;
export const action = notFound;
