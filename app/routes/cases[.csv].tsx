import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { visibleSystems } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { csvMoment, csvResponse, csvText } from "~/http/csv.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { PLACES } from "~/ui/places";
import { systemFilterOf } from "~/ui/system-filter";
import { listCases } from "~/cases/lists.server";
import { filtersOf, readQuery } from "~/cases/list-query";

/** The case list as CSV: every case its filters (the same query as /cases) show, in its order, not only a page. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...PLACES.cases.roles);
  const params = new URL(request.url).searchParams;
  const system = systemFilterOf(params.get("system") ?? "", await visibleSystems(db(), user));
  const { items } = await listCases(db(), user, filtersOf(readQuery(params, system.code)), { all: true });
  const { t } = translatorFor(await getLang(request));
  const rows = [
    [t("cases.col.number"), t("cases.col.title"), t("cases.col.type"), t("cases.col.status"), t("cases.col.system"), t("export.start"), t("export.end")],
    ...items.map((i) => [i.number, i.title, t(`type.${i.type}`), t(`status.${i.status}`), i.systemCode, csvMoment(i.window?.start), csvMoment(i.window?.end)]),
  ];
  return csvResponse(csvText(rows), "arenden");
}
