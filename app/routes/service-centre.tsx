import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { ClockText, StatusBadge, WindowText } from "~/components/case-bits";
import { Pager } from "~/components/pager";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { askedPage, pageAddress, pagerLinks } from "~/ui/paging";
import { PLACES } from "~/ui/places";
import { reviewQueuePage } from "~/cases/review.server";

export const handle = titled("nav.serviceCentre");

/** The service centre's review queue: emergencies on top, then oldest first, a page at a time. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...PLACES.serviceCentre.roles);
  const { items, total, page, pages } = await reviewQueuePage(db(), askedPage(new URL(request.url).searchParams));
  return { queue: items, total, page, pages, ...pagerLinks(page, pages, (n) => pageAddress("/service-centre", {}, n)) };
}

export default function ServiceCentre() {
  const { t, formatDateTime } = useT();
  const parties = `${t("case.requester")} / ${t("request.supplier")}`;
  const { queue, total, page, pages, previous, next } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("nav.serviceCentre")}</h1>
      <p>{t("review.intro")}</p>
      <p className="button-row">
        <Link to="/cab">{t("nav.cab")}</Link>
        <Link to="/schedule">{t("nav.schedule")}</Link>
        <Link to="/admin/blackouts">{t("review.blackouts")}</Link>
        <Link to="/admin/users/new">{t("serviceCentre.inviteSupplier")}</Link>
        <a href="/service-centre.csv" download>
          {t("export.csv")}
        </a>
      </p>
      <h2 id="queue-heading">{t("review.queue", { count: total })}</h2>
      {queue.length ? (
        <div className="table-wrap">
          <table className="stack" aria-labelledby="queue-heading">
            <thead>
              <tr>
                <th scope="col">{t("review.case")}</th>
                <th scope="col">{t("review.waitingFor")}</th>
                <th scope="col">{t("request.system")}</th>
                <th scope="col">{t("review.window")}</th>
                <th scope="col">{t("review.leadTime")}</th>
                <th scope="col">{t("case.conflicts")}</th>
                <th scope="col">{parties}</th>
                <th scope="col">{t("review.submitted")}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((item) => (
                <tr key={item.number} className={item.type === "emergency" ? "row--urgent" : undefined}>
                  <th scope="row">
                    <Link to={`/cases/${item.number}`}>{item.number}</Link>
                    <div>{item.title}</div>
                    <div className="muted">
                      {t(`type.${item.type}`)}
                      {item.priority ? `, ${t("request.priorityIs", { priority: item.priority })}` : null}
                    </div>
                  </th>
                  <td data-label={t("review.waitingFor")}>
                    {t(`review.reason.${item.reason}`)} <StatusBadge status={item.status} />
                  </td>
                  <td data-label={t("request.system")}>{item.systemCode}</td>
                  <td data-label={t("review.window")}>
                    <WindowText window={item.window} />
                  </td>
                  <td data-label={t("review.leadTime")}>
                    {item.sla ? <ClockText clock={item.sla} /> : item.workingDaysLeft === null ? "–" : t("review.daysLeft", { count: item.workingDaysLeft })}
                  </td>
                  <td data-label={t("case.conflicts")}>{item.conflicts ? <strong className="conflict-count">⚠ {item.conflicts}</strong> : 0}</td>
                  <td data-label={parties}>
                    {item.requester}
                    <div className="muted">{item.supplier ?? "–"}</div>
                  </td>
                  <td data-label={t("review.submitted")}>{item.submittedAt ? formatDateTime(item.submittedAt) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t("review.empty")}</p>
      )}
      <Pager previous={previous} next={next}>
        {t("cases.pageOf", { page, pages })}
      </Pager>
    </>
  );
}
