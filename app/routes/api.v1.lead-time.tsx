import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiError } from "~/http/api.server";
import { earliestStart, isIsoDate, LEAD_TIME_WORKING_DAYS } from "../../machines/calendar";
import { leadTimeQuery } from "~/cases/schemas";

/** Public: the earliest window start for a change submitted on a date. */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = leadTimeQuery.safeParse(params);
  if (!parsed.success)
    return apiError(400, parsed.error.issues.map((i) => (i.code === "unrecognized_keys" ? `unknown parameter ${i.keys.join(", ")}` : i.message)).join("; "));
  const { type, submittedDate } = parsed.data;
  if (!isIsoDate(submittedDate)) return apiError(400, "submittedDate is not a real date");
  const year = Number(submittedDate.slice(0, 4));
  if (year < 1990 || year > 2100) return apiError(400, "submittedDate must be between 1990 and 2100");
  return Response.json(
    { type, workingDays: LEAD_TIME_WORKING_DAYS[type], submittedDate, earliestStart: earliestStart(type, submittedDate) },
    { headers: { "Cache-Control": "public, max-age=3600" } },
  );
}
