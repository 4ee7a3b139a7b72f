import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listSystemsPage } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { Pager } from "~/components/pager";
import { TextField } from "~/components/forms";
import { titled } from "~/ui/meta";
import { askedPage, askedSearch, pageAddress, pagerLinks } from "~/ui/paging";

export const handle = titled("admin.systems");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const params = new URL(request.url).searchParams;
  const q = askedSearch(params);
  const includeInactive = params.get("inactive") === "1";
  const { systems, total, page, pages } = await listSystemsPage(db(), { q, includeInactive, page: askedPage(params) });
  const at = (n: number) => pageAddress("/admin/systems", { q, inactive: includeInactive ? "1" : "" }, n);
  return { q, includeInactive, systems, total, page, pages, ...pagerLinks(page, pages, at) };
}

export default function Systems() {
  const { t } = useT();
  const { systems, q, includeInactive, total, page, pages, previous, next } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.systems")}</h1>
      <div className="toolbar">
        <span />
        <Link to="new" className="button">
          {t("system.new")}
        </Link>
      </div>
      <Form method="get" action="/admin/systems" role="search" aria-label={t("system.search")} className="filters" key={`${q} ${includeInactive}`}>
        <TextField label={t("system.search")} name="q" type="search" maxLength={100} defaultValue={q} />
        <div className="field field--checkbox">
          <input type="checkbox" id="inactive" name="inactive" value="1" defaultChecked={includeInactive} />
          <label htmlFor="inactive">{t("admin.showInactive")}</label>
        </div>
        <button type="submit" className="button button--secondary">
          {t("admin.filter")}
        </button>
        {q || includeInactive ? <Link to="/admin/systems">{t("cases.filter.clear")}</Link> : null}
      </Form>
      <p className="muted">{t("system.count", { count: total })}</p>
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
      {systems.length === 0 ? <p className="muted">{q ? t("system.none") : t("admin.noRows")}</p> : null}
      <Pager previous={previous} next={next}>
        {t("cases.pageOf", { page, pages })}
      </Pager>
    </>
  );
}
