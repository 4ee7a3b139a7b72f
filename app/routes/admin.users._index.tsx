import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listUsers } from "~/admin/people.server";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { rolesOf } from "~/access/roles";

export const handle = titled("admin.users");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return { users: await listUsers(db()) };
}

export default function Users() {
  const { t, formatDateTime, formatList } = useT();
  const { users } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.users")}</h1>
      <div className="toolbar">
        <span />
        <Link to="new" className="button">
          {t("user.invite")}
        </Link>
      </div>
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
    </>
  );
}
