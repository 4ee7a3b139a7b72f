import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { requesterDashboard } from "~/cases/dashboard.server";
import { StatusBadge, WindowText } from "~/components/case-bits";
import { useT } from "~/i18n";
import { getUser } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { placesFor } from "~/ui/places";
import { hasRole, rolesOf } from "~/access/roles";

export const handle = titled("overview.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request).catch(() => undefined);
  return {
    signedIn: Boolean(user),
    places: placesFor(user ? rolesOf(user) : undefined).map(({ path, label, blurb }) => ({ path, label, blurb })),
    dashboard: user && hasRole(user, "requester") ? await requesterDashboard(db(), user) : null,
  };
}

type Dashboard = NonNullable<Awaited<ReturnType<typeof loader>>["dashboard"]>;

function RequesterDashboard({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useT();
  return (
    <>
      <section aria-labelledby="attention-heading">
        <h2 id="attention-heading">{t("dashboard.attention")}</h2>
        {dashboard.attention.length ? (
          <ul className="cards">
            {dashboard.attention.map((c) => (
              <li key={c.number} className="card">
                <h3>
                  <Link to={`/cases/${c.number}`}>{`${c.number} ${c.title}`}</Link>
                </h3>
                <p>
                  <StatusBadge status={c.status} /> <span className="muted">{c.systemCode}</span>
                </p>
                <p>{t(`dashboard.todo.${c.status}`)}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("dashboard.attention.none")}</p>
        )}
      </section>
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">{t("dashboard.open")}</h2>
        {dashboard.open.length ? (
          <ul>
            {dashboard.open.map((o) => (
              <li key={o.status}>
                <Link to={`/cases?${new URLSearchParams({ status: o.status })}`}>
                  {t("dashboard.open.item", { status: t(`status.${o.status}`), count: o.count })}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("dashboard.open.none")}</p>
        )}
        <p>
          <Link to="/cases">{t("dashboard.allCases")}</Link>
        </p>
      </section>
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">{t("dashboard.upcoming")}</h2>
        {dashboard.upcoming.length ? (
          <div className="table-wrap">
            <table className="stack">
              <caption className="visually-hidden">{t("dashboard.upcoming.caption", { days: dashboard.upcomingDays })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("cases.col.number")}</th>
                  <th scope="col">{t("cases.col.title")}</th>
                  <th scope="col">{t("cases.col.system")}</th>
                  <th scope="col">{t("cases.col.window")}</th>
                  <th scope="col">{t("cases.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {dashboard.upcoming.map((c) => (
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
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("dashboard.upcoming.none", { days: dashboard.upcomingDays })}</p>
        )}
      </section>
    </>
  );
}

export default function Overview() {
  const { t } = useT();
  const { signedIn, places, dashboard } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("app.name")}</h1>
      <p className="lead">{t("overview.intro")}</p>
      {dashboard ? <RequesterDashboard dashboard={dashboard} /> : null}
      {signedIn ? (
        <section aria-labelledby="places-heading">
          <h2 id="places-heading">{t("overview.yourPlaces")}</h2>
          <ul className="cards">
            {places.map((place) => (
              <li key={place.path} className="card">
                <h3>
                  <Link to={place.path}>{t(place.label)}</Link>
                </h3>
                <p>{t(place.blurb)}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p>
          <Link to="/login" className="button">
            {t("nav.login")}
          </Link>{" "}
          <span className="muted">{t("overview.signInPrompt")}</span>
        </p>
      )}
      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">{t("overview.categories")}</h2>
        <ol className="cards">
          <li className="card">
            <h3>{t("overview.category.emergency")}</h3>
            <p>{t("overview.category.emergency.text")}</p>
          </li>
          <li className="card">
            <h3>{t("overview.category.change")}</h3>
            <p>{t("overview.category.change.text")}</p>
          </li>
          <li className="card">
            <h3>{t("overview.category.standing")}</h3>
            <p>{t("overview.category.standing.text")}</p>
          </li>
        </ol>
      </section>
    </>
  );
}
