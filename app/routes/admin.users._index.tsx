import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listUsersPage } from "~/admin/people.server";
import { TextField } from "~/components/forms";
import { Pager } from "~/components/pager";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { askedPage, askedSearch, pageAddress, pagerLinks } from "~/ui/paging";
import { rolesOf } from "~/access/roles";

export const handle = titled("admin.users");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const params = new URL(request.url).searchParams;
  const q = askedSearch(params);
  const { people, total, page, pages } = await listUsersPage(db(), { q, page: askedPage(params) });
  return { users: people, q, total, page, pages, ...pagerLinks(page, pages, (n) => pageAddress("/admin/users", { q }, n)) };
}

export default function Users() {
  const { t, formatDateTime, formatList } = useT();
  const { users, q, total, page, pages, previous, next } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.users")}</h1>
      <div className="toolbar">
        <span />
        <Link to="new" className="button">
          {t("user.invite")}
        </Link>
      </div>
      <Form method="get" action="/admin/users" role="search" aria-label={t("people.search")} className="filters" key={q}>
        <TextField label={t("people.search")} name="q" type="search" maxLength={100} defaultValue={q} />
        <button type="submit" className="button button--secondary">
          {t("admin.filter")}
        </button>
        {q ? <Link to="/admin/users">{t("cases.filter.clear")}</Link> : null}
      </Form>
      <p className="muted">{t("people.count", { count: total })}</p>
      {users.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("user.name")}</th>
                <th scope="col">{t("user.email")}</th>
                <th scope="col">{t("user.role")}</th>
                <th scope="col">{t("user.organisation")}</th>
                <th scope="col">{t("admin.status")}</th>
                <th scope="col">{t("user.lastSignIn")}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link to={String(u.id)}>{u.name}</Link>
                  </td>
                  <td>{u.email}</td>
                  <td>{formatList(rolesOf(u).map((role) => t(`role.${role}`)))}</td>
                  <td>{u.organisationName}</td>
                  <td>
                    <span className={`badge ${u.status === "active" ? "badge--ok" : "badge--muted"}`}>{t(`user.status.${u.status}`)}</span>
                  </td>
                  <td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : t("settings.never")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t("people.none")}</p>
      )}
      <Pager previous={previous} next={next}>
        {t("cases.pageOf", { page, pages })}
      </Pager>
    </>
  );
}
