import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { TextField } from "~/components/forms";
import { BarChart } from "~/components/bar-chart";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { periodFrom, reportFor } from "~/reports/figures.server";
import { rowLabel, seriesLabel } from "~/reports/labels";

/**
 * Reports for the service centre, the CAB and the administrator: each figure of the chosen period
 * as a chart (server-drawn, no script, printable), its table and a CSV download of that table.
 * What each figure counts is defined once, in app/reports/figures.server.ts.
 */
const place = PLACES.reports;

export const handle = titled(place.label);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...place.roles);
  const { period, errors } = periodFrom(new URL(request.url));
  const valid = !errors.from && !errors.to;
  return { period, errors, figures: valid ? await reportFor(db(), period) : [] };
}

export default function Reports() {
  const translator = useT();
  const { t, formatDate } = translator;
  const { period, errors, figures } = useLoaderData<typeof loader>();
  const query = new URLSearchParams(period).toString();
  return (
    <>
      <h1>{t("nav.reports")}</h1>
      <p className="lead">{t("report.intro")}</p>
      <Form method="get" className="filters report-period">
        <TextField type="date" label={t("report.from")} name="from" defaultValue={period.from} error={errors.from} />
        <TextField type="date" label={t("report.to")} name="to" defaultValue={period.to} error={errors.to} />
        <button type="submit" className="button button--secondary">
          {t("report.show")}
        </button>
      </Form>
      {figures.length ? <p className="muted">{t("report.period", { from: formatDate(period.from), to: formatDate(period.to) })}</p> : null}
      {figures.map((figure) => (
        <section key={figure.key} aria-labelledby={`figure-${figure.key}`} className="report-figure" id={figure.key}>
          <h2 id={`figure-${figure.key}`}>{t(`report.figure.${figure.key}`)}</h2>
          <p className="muted">{t(`report.figure.${figure.key}.help`)}</p>
          {figure.rows.length ? (
            <>
              <BarChart figure={figure} />
              <div className="table-wrap">
                <table className="report-table">
                  <thead>
                    <tr>
                      <th scope="col">{t(`report.label.${figure.key}`)}</th>
                      {figure.series.map((s) => (
                        <th scope="col" key={s} className="numeric">
                          {seriesLabel(translator, s)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {figure.rows.map((row) => (
                      <tr key={row.label}>
                        <th scope="row">{rowLabel(translator, figure, row.label)}</th>
                        {row.values.map((v, i) => (
                          <td key={i} className="numeric">
                            {figure.percent.includes(figure.series[i]!) ? `${v} %` : v}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p>{t("report.empty")}</p>
          )}
          <p>
            <a href={`/reports.csv?figure=${figure.key}&${query}`} download>
              {t("report.csv")}
            </a>
          </p>
        </section>
      ))}
    </>
  );
}
