import { Form, Link, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";

import { useT } from "~/i18n";
import type { RootData } from "~/root";
import { placesFor } from "~/ui/places";

/** The page frame: skip link, header with the role's places, language switch, main, footer. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, lang, formatList } = useT();
  const data = useRouteLoaderData<RootData>("root");
  const location = useLocation();
  const here = location.pathname + location.search;
  const otherLang = lang === "sv" ? "en" : "sv";
  const places = placesFor(data?.user?.roles);
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            <span className="brand__name">{t("app.name")}</span>
            <span className="brand__tagline">{t("app.municipality")}</span>
          </Link>
          <div className="site-header__tools">
            {data?.user ? (
              <>
                <span className="signed-in">
                  {t("nav.signedInAs", { name: data.user.name })} · {formatList(data.user.roles.map((role) => t(`role.${role}`)))}
                </span>
                <Form method="post" action="/logout">
                  <button type="submit" className="link-button">
                    {t("nav.logout")}
                  </button>
                </Form>
              </>
            ) : (
              <Link to="/login">{t("nav.login")}</Link>
            )}
            {/* A new language is a new dictionary: the switch reloads the document. */}
            <Form method="post" action="/language" className="language-switch" reloadDocument>
              <input type="hidden" name="redirectTo" value={here} />
              <input type="hidden" name="lang" value={otherLang} />
              <button type="submit" className="link-button" lang={otherLang}>
                {t(`language.${otherLang}`)}
              </button>
            </Form>
          </div>
        </div>
        <nav aria-label={t("nav.label")} className="site-nav">
          <ul>
            <li>
              <NavLink to="/" end>
                {t("nav.overview")}
              </NavLink>
            </li>
            {places.map((place) => (
              <li key={place.path}>
                <NavLink to={place.path} end={place.path === "/cases"}>
                  {t(place.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t("app.footer")}</p>
      </footer>
    </>
  );
}
