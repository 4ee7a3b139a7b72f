import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";

import { db } from "../../db/client";
import { CASE_STATUSES, CASE_TYPES } from "../../machines/vocabulary";
import { visibleSystems } from "~/admin/systems.server";
import { SystemFilterField } from "~/components/system-filter";
import { systemFilterOf } from "~/ui/system-filter";
import { Pager } from "~/components/pager";
import { StatusBadge, WindowText } from "~/components/case-bits";
import { SelectField, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { pageOf, pagerLinks } from "~/ui/paging";
import { PLACES } from "~/ui/places";
import { listCases } from "~/cases/lists.server";
import { DEFAULT_PAGE_SIZE, filtersOf, readQuery, searchFor, SORTS } from "~/cases/list-query";
import { hasRole } from "~/access/roles";

const place = PLACES.cases;

/** How far the list counts its cases; beyond it the page says "more than". */
export const COUNT_UP_TO = 1000;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const systemOptions = await visibleSystems(db(), user);
  const params = new URL(request.url).searchParams;
  const system = systemFilterOf(params.get("system") ?? "", systemOptions);
  const query = readQuery(params, system.code);
  const filters = filtersOf(query);
  // Counted up to 1,000 (and past the next page): "more than 1,000" is what a person needs to know of a larger list.
  let result = await listCases(db(), user, { ...filters, page: query.page }, { countUpTo: COUNT_UP_TO });
  const { pages } = pageOf(result.total, result.page, result.pageSize);
  // Past the last page (an old link, a hand-edited address): show the last page instead.
  if (result.page > pages) result = await listCases(db(), user, { ...filters, page: pages }, { countUpTo: COUNT_UP_TO });
  const current = { ...query, page: result.page };
  const filtered = Boolean(query.status || query.type || query.system || query.q || query.from || query.to);
  return {
    query: current,
    filtered,
    canCreate: hasRole(user, "requester"),
    systemFilter: system.filter,
    items: result.items.map((i) => ({ number: i.number, title: i.title, type: i.type, status: i.status, systemCode: i.systemCode, window: i.window })),
    total: result.total,
    totalIsAtLeast: result.totalIsAtLeast === true,
    page: result.page,
    pages,
    // Every case the filters show (not only this page), in the list's order.
    csv: `/cases.csv${searchFor({ ...current, pageSize: DEFAULT_PAGE_SIZE }, 1)}`,
    ...pagerLinks(result.page, pages, (n) => `/cases${searchFor(current, n)}`),
  };
}

export const handle = titled(place.label);

export default function Cases() {
  const { t } = useT();
  const data = useLoaderData<typeof loader>();
  const { query } = data;
  const location = useLocation();
  return (
    <>
      <h1>{t(place.label)}</h1>
      <div className="toolbar">
        <p className="lead">{t(place.blurb)}</p>
        {data.canCreate ? (
          <Link to={PLACES.newCase.path} className="button">
            {t(PLACES.newCase.label)}
          </Link>
        ) : null}
      </div>

      {/* Keyed by the address so the fields follow links (pagination, "clear") as well as submissions. */}
      <Form method="get" action="/cases" role="search" aria-label={t("cases.filters")} className="filters" key={location.search}>
        <SelectField label={t("cases.filter.status")} name="status" defaultValue={query.status}>
          <option value="">{t("cases.filter.all")}</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("cases.filter.type")} name="type" defaultValue={query.type}>
          <option value="">{t("cases.filter.all")}</option>
          {CASE_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`type.${type}`)}
            </option>
          ))}
        </SelectField>
        <SystemFilterField label={t("cases.filter.system")} value={query.system} filter={data.systemFilter} />
        <TextField label={t("cases.filter.from")} name="from" type="date" defaultValue={query.from} />
        <TextField label={t("cases.filter.to")} name="to" type="date" defaultValue={query.to} />
        <TextField label={t("cases.filter.q")} name="q" type="search" maxLength={100} defaultValue={query.q} />
        <SelectField label={t("cases.filter.sort")} name="sort" defaultValue={query.sort}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`cases.sort.${s}`)}
            </option>
          ))}
        </SelectField>
        {query.pageSize !== DEFAULT_PAGE_SIZE ? <input type="hidden" name="pageSize" value={query.pageSize} /> : null}
        <button type="submit" className="button button--secondary">
          {t("admin.filter")}
        </button>
        {data.filtered ? <Link to="/cases">{t("cases.filter.clear")}</Link> : null}
      </Form>

      {data.items.length === 0 ? (
        <p className="muted">{t(data.filtered ? "cases.empty.filtered" : "cases.empty")}</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="stack">
              <caption>{t(data.totalIsAtLeast ? "cases.count.atLeast" : "cases.count", { count: data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("cases.col.number")}</th>
                  <th scope="col">{t("cases.col.title")}</th>
                  <th scope="col">{t("cases.col.system")}</th>
                  <th scope="col">{t("cases.col.window")}</th>
                  <th scope="col">{t("cases.col.status")}</th>
                  <th scope="col">{t("cases.col.type")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((c) => (
                  <tr key={c.number}>
                    <td data-label={t("cases.col.number")}>
                      <Link to={`/cases/${c.number}`}>{c.number}</Link>
                    </td>
                    <td data-label={t("cases.col.title")}>{c.title}</td>
                    <td data-label={t("cases.col.system")}>{c.systemCode}</td>
                    <td data-label={t("cases.col.window")}>
                      <WindowText window={c.window} />
                    </td>
                    <td data-label={t("cases.col.status")}>
                      <StatusBadge status={c.status} />
                    </td>
                    <td data-label={t("cases.col.type")}>{t(`type.${c.type}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager previous={data.previous} next={data.next}>
            {t(data.totalIsAtLeast ? "cases.pageOf.atLeast" : "cases.pageOf", { page: data.page, pages: data.pages })}
          </Pager>
          <p>
            <a href={data.csv} download>
              {t("export.csv")}
            </a>
          </p>
        </>
      )}
    </>
  );
}
