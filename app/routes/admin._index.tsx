import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import { listOrganisations } from "~/admin/organisations.server";
import { countActiveSystems } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { connectorHealth } from "~/connectors/health.server";
import { titled } from "~/ui/meta";

export const handle = titled("admin.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const [organisations, systems, connectors] = await Promise.all([listOrganisations(db()), countActiveSystems(db()), connectorHealth(db())]);
  return {
    connectors,
    systems,
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
        <li className="card">
          <h2>
            <Link to="/admin/webhooks">{t("admin.webhooks")}</Link>
          </h2>
          <p>{t("admin.webhooksIntro")}</p>
          <p className={data.connectors.webhooks.failing ? "field__error" : "muted"}>{t("admin.webhooks.summary", data.connectors.webhooks)}</p>
        </li>
      </ul>
      <h2>{t("admin.connectors")}</h2>
      <p>{t("admin.connectors.intro")}</p>
      <ul className="cards">
        {(["directory", "monitoring"] as const).map((name) => {
          const c = data.connectors[name];
          return (
            <li key={name} className="card" data-connector={name} data-health={!c.configured ? "off" : c.ok ? "ok" : "down"}>
              <h3>{t(`admin.connectors.${name}`)}</h3>
              {!c.configured ? (
                <p className="muted">{t("admin.connectors.off")}</p>
              ) : (
                <>
                  <p>
                    <span className={`badge ${c.ok ? "badge--ok" : "badge--attention"}`}>
                      {t(c.ok ? "admin.connectors.ok" : "admin.connectors.down", { detail: c.detail ?? "" })}
                    </span>
                  </p>
                  <p className={c.failing ? "field__error" : "muted"}>{t("admin.connectors.steps", { pending: c.pending, failing: c.failing })}</p>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
