import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listOrganisations } from "~/admin/organisations.server";
import { listSystems } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";

export const handle = titled("admin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const [organisations, systems] = await Promise.all([listOrganisations(db()), listSystems(db())]);
  return {
    systems: systems.length,
    suppliers: organisations.filter((o) => o.kind === "supplier").length,
    organisations: organisations.length,
  };
}

export default function AdminIndex() {
  const { t } = useT();
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <p>{t("admin.intro")}</p>
      <ul className="cards">
        <li className="card">
          <h2>
            <Link to="/admin/organisations">{t("admin.organisations")}</Link>
          </h2>
          <p>
            {data.organisations} · {t("overview.figures.suppliers", { count: data.suppliers })}
          </p>
        </li>
        <li className="card">
          <h2>
            <Link to="/admin/users">{t("admin.users")}</Link>
          </h2>
          <p>{t("admin.usersIntro")}</p>
        </li>
        <li className="card">
          <h2>
            <Link to="/admin/outbox">{t("admin.outbox")}</Link>
          </h2>
          <p>{t("admin.outboxIntro")}</p>
        </li>
        <li className="card">
          <h2>
            <Link to="/admin/blackouts">{t("review.blackouts")}</Link>
          </h2>
          <p>{t("admin.blackoutsIntro")}</p>
        </li>
        <li className="card">
          <h2>
            <Link to="/admin/cab">{t("admin.cab.title")}</Link>
          </h2>
          <p>{t("admin.cabIntro")}</p>
        </li>
        <li className="card">
          <h2>
            <Link to="/admin/systems">{t("admin.systems")}</Link>
          </h2>
          <p>{t("overview.figures.systems", { count: data.systems })}</p>
        </li>
      </ul>
    </>
  );
}
