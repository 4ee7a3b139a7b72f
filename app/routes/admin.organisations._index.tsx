import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listOrganisations } from "~/admin/organisations.server";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";

export const handle = titled("admin.organisations");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const includeInactive = new URL(request.url).searchParams.get("inactive") === "1";
  return { includeInactive, organisations: await listOrganisations(db(), { includeInactive }) };
}

export default function Organisations() {
  const { t } = useT();
  const { organisations, includeInactive } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.organisations")}</h1>
      <div className="toolbar">
        <Form method="get" className="field--checkbox field">
          <input type="checkbox" id="inactive" name="inactive" value="1" defaultChecked={includeInactive} />
          <label htmlFor="inactive">{t("admin.showInactive")}</label>
          <button type="submit" className="button button--secondary">
            {t("admin.filter")}
          </button>
        </Form>
        <Link to="new" className="button">
          {t("org.new")}
        </Link>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("org.name")}</th>
              <th scope="col">{t("org.kind")}</th>
              <th scope="col">{t("org.mailbox")}</th>
              <th scope="col">{t("org.systemsCount")}</th>
              <th scope="col">{t("admin.status")}</th>
            </tr>
          </thead>
          <tbody>
            {organisations.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link to={String(o.id)}>{o.name}</Link>
                </td>
                <td>{t(`org.kind.${o.kind}`)}</td>
                <td>{o.mailbox}</td>
                <td>{o.systemCount}</td>
                <td>
                  <span className={`badge ${o.active ? "badge--ok" : "badge--muted"}`}>{o.active ? t("admin.active") : t("admin.inactive")}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {organisations.length === 0 ? <p className="muted">{t("admin.noRows")}</p> : null}
    </>
  );
}
