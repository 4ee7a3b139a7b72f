import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { createCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { listCases } from "~/cases/lists.server";
import { CASE_TYPES } from "../../machines/vocabulary";

const listQuery = z.strictObject({
  status: z.string().max(40).optional(),
  type: z.enum(CASE_TYPES).optional(),
  system: z.string().max(20).optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
  sort: z.enum(["updated", "window", "number"]).optional(),
});

/** The cases the caller may see. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return apiError(400, parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  return Response.json(await listCases(db(), user, parsed.data));
}

/** Creates (and unless `draft`, submits) a case. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to create a case.");
  return api(request, async () => {
    const created = await createCase(db(), user, await readJson(request));
    return Response.json(await getCaseView(db(), user, created.number), { status: 201 });
  });
}
