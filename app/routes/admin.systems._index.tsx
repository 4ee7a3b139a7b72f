import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listSystems } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";

export const handle = titled("admin.systems");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const includeInactive = new URL(request.url).searchParams.get("inactive") === "1";
  return { includeInactive, systems: await listSystems(db(), { includeInactive }) };
}

export default function Systems() {
  const { t } = useT();
  const { systems, includeInactive } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.systems")}</h1>
      <div className="toolbar">
        <Form method="get" className="field--checkbox field">
          <input type="checkbox" id="inactive" name="inactive" value="1" defaultChecked={includeInactive} />
          <label htmlFor="inactive">{t("admin.showInactive")}</label>
          <button type="submit" className="button button--secondary">
            {t("admin.filter")}
          </button>
        </Form>
        <Link to="new" className="button">
          {t("system.new")}
        </Link>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("system.code")}</th>
              <th scope="col">{t("system.name")}</th>
              <th scope="col">{t("system.ownerUnit")}</th>
              <th scope="col">{t("system.supplier")}</th>
              <th scope="col">{t("system.dependsOn")}</th>
              <th scope="col">{t("admin.status")}</th>
            </tr>
          </thead>
          <tbody>
            {systems.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={s.code}>{s.code}</Link>
                </td>
                <td>{s.name}</td>
                <td>{s.ownerUnitName}</td>
                <td>{s.supplierName ?? "–"}</td>
                <td>{s.dependsOn.join(", ") || "–"}</td>
                <td>
                  <span className={`badge ${s.active ? "badge--ok" : "badge--muted"}`}>{s.active ? t("admin.active") : t("admin.inactive")}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {systems.length === 0 ? <p className="muted">{t("admin.noRows")}</p> : null}
    </>
  );
}
