import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { csvMoment, csvResponse, csvText } from "~/http/csv.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { PLACES } from "~/ui/places";
import { reviewQueue } from "~/cases/review.server";

/** The service centre's queue as CSV: what the page lists, in its order. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...PLACES.serviceCentre.roles);
  const { t } = translatorFor(await getLang(request));
  const rows = [
    [
      t("review.case"),
      t("cases.col.title"),
      t("cases.col.type"),
      t("export.priority"),
      t("review.waitingFor"),
      t("cases.col.status"),
      t("request.system"),
      t("export.start"),
      t("export.end"),
      t("export.workingDaysLeft"),
      t("case.conflicts"),
      t("case.requester"),
      t("request.supplier"),
      t("review.submitted"),
    ],
    ...(await reviewQueue(db())).map((i) => [
      i.number,
      i.title,
      t(`type.${i.type}`),
      i.priority ?? "",
      t(`review.reason.${i.reason}`),
      t(`status.${i.status}`),
      i.systemCode,
      csvMoment(i.window?.start),
      csvMoment(i.window?.end),
      i.workingDaysLeft ?? "",
      i.conflicts,
      i.requester,
      i.supplier ?? "",
      csvMoment(i.submittedAt),
    ]),
  ];
  return csvResponse(csvText(rows), "ko");
}
