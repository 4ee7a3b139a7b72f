import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { csvResponse, csvText } from "~/http/csv.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { PLACES } from "~/ui/places";
import { isFigure, periodFrom, reportFor } from "~/reports/figures.server";
import { rowLabel, seriesLabel } from "~/reports/labels";

/** One report figure's table as CSV (`?figure=monthly&from=&to=`), in the reader's language, as the page shows it. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...PLACES.reports.roles);
  const url = new URL(request.url);
  const key = url.searchParams.get("figure");
  if (!isFigure(key))
    return new Response("Name a figure: ?figure=monthly (or outcomes, success, emergencies, leadTime, cab, windows, extensions, sla, systems).", {
      status: 400,
    });
  const { period, errors } = periodFrom(url);
  if (errors.from || errors.to) return new Response("from and to are dates (YYYY-MM-DD), from not after to, at most five years apart.", { status: 400 });
  const figure = (await reportFor(db(), period)).find((f) => f.key === key)!;
  const translator = translatorFor(await getLang(request));
  const rows = [
    [translator.t(`report.label.${figure.key}`), ...figure.series.map((s) => seriesLabel(translator, s))],
    ...figure.rows.map((row) => [rowLabel(translator, figure, row.label), ...row.values]),
  ];
  return csvResponse(csvText(rows), `${key}-${period.from}-${period.to}`);
}
