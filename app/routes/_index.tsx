import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { useT } from "~/i18n";
import { getUser } from "~/utils/auth.server";
import { title } from "~/utils/meta";
import { placesFor } from "~/utils/places";

export const meta: MetaFunction = ({ matches }) => title(matches, "overview.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request).catch(() => undefined);
  return {
    signedIn: Boolean(user),
    places: placesFor(user?.role).map(({ path, label, blurb }) => ({ path, label, blurb })),
  };
}

export default function Overview() {
  const { t } = useT();
  const { signedIn, places } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("app.name")}</h1>
      <p className="lead">{t("overview.intro")}</p>
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
