import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { db } from "../../db/client";
import { api, apiError } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { FIRST_YEAR, LAST_YEAR, plausibleYear } from "../../machines/time";
import { listWindows, WINDOW_STATES } from "~/cases/windows.server";

/** An ISO 8601 instant with its offset (e.g. 2026-12-28T08:00:00+01:00 or …Z). */
const instant = z
  .string()
  .max(40)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    "must be an ISO 8601 instant with an offset, e.g. 2026-12-28T08:00:00+01:00",
  )
  .refine(
    (s) => !Number.isNaN(Date.parse(s)) && plausibleYear(new Date(s).getUTCFullYear()),
    `must be a real date and time between ${FIRST_YEAR} and ${LAST_YEAR}`,
  )
  .transform((s) => new Date(s));

const listQuery = z
  .strictObject({
    state: z.enum(WINDOW_STATES, { error: `must be one of ${WINDOW_STATES.join(", ")}` }).optional(),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "must be after from" });

/**
 * The access windows the caller may see (same scope as cases), earliest start first; `from` and
 * `to` keep the windows that overlap [from, to).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const params = new URL(request.url).searchParams;
  const repeated = [...new Set(params.keys())].find((key) => params.getAll(key).length > 1);
  if (repeated) return apiError(400, `${repeated}: give it once`);
  const parsed = listQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) return apiError(400, parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  return api(request, async () => Response.json({ items: await listWindows(db(), user, parsed.data) }));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireUser(request);
  return apiError(405, "Use GET to list access windows; send events to /api/v1/access-windows/{id}/events.");
}
