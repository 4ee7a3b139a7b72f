import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/access/guards.server";
import { rolesOf } from "~/access/roles";

/** Who the caller is: the quickest check that a token works. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return Response.json({ email: user.email, name: user.name, role: user.role, roles: rolesOf(user), organisationId: user.organisationId });
}
