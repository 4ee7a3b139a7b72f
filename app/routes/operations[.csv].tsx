import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { csvMoment, csvResponse, csvText } from "~/http/csv.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { PLACES } from "~/ui/places";
import { operationsBoard, type WindowItem } from "~/cases/windows.server";

/** Operations' board as CSV: the windows to open, to close and those closed lately, as the page lists them. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...PLACES.operations.roles);
  const { t } = translatorFor(await getLang(request));
  const { toOpen, toClose, closed } = await operationsBoard(db(), user);
  const lines = (list: "toOpen" | "toClose" | "closed", items: WindowItem[]) =>
    items.map((w) => [
      t(`export.list.${list}`),
      w.caseNumber,
      w.title,
      w.system.code,
      w.supplier?.name ?? "",
      t(`window.status.${w.status as "scheduled" | "open" | "closed"}`),
      csvMoment(w.start),
      csvMoment(w.end),
      csvMoment(w.grantedAt),
      csvMoment(w.closedAt),
      w.closedBy ? t(`operations.closedBy.${w.closedBy}`) : "",
      w.accounts.join(" "),
    ]);
  const rows = [
    [
      t("export.list"),
      t("review.case"),
      t("cases.col.title"),
      t("request.system"),
      t("request.supplier"),
      t("cases.col.status"),
      t("export.start"),
      t("export.end"),
      t("export.grantedAt"),
      t("export.closedAt"),
      t("export.closedBy"),
      t("request.accounts"),
    ],
    ...lines("toOpen", toOpen),
    ...lines("toClose", toClose),
    ...lines("closed", closed),
  ];
  return csvResponse(csvText(rows), "fonster");
}
