import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Links,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import type { ReactNode } from "react";

import { ErrorPage, errorCodeOf } from "~/components/error-page";
import { Shell } from "~/components/shell";
import { useT } from "~/i18n";
import { getLang } from "~/i18n/i18n.server";
import { getUser } from "~/access/guards.server";
import { documentTitle, pageHeadOf } from "~/ui/meta";
import { useNonce } from "~/ui/nonce";
import styles from "~/styles/app.css";
import { rolesOf } from "~/access/roles";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/**
 * What every page shares: the language and who is signed in — a few dozen bytes. The texts come
 * from the scripts of the page's namespaces the document loads (app/i18n/i18n.server.ts), the navigation from
 * the role (app/ui/places.ts), both in the browser.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const lang = await getLang(request);
  // The shell must render even when the database is down, so a failed lookup means "anonymous".
  const user = await getUser(request).catch(() => undefined);
  return { lang, user: user ? { name: user.name, roles: rolesOf(user) } : null };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

/** The actions that can change who is signed in (the language switch reloads the document). */
const SESSION_ACTIONS = [/^\/login(\/|$)/, /^\/logout$/, /^\/invite\//, /^\/settings$/, /^\/admin\/users\//];

/** The root's data changes only with the session: revalidate after those actions, and on the way to the sign-in page. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, formAction, nextUrl }) => {
  if (nextUrl.pathname === "/login") return true;
  if (!formMethod || formMethod.toUpperCase() === "GET" || !formAction) return false;
  const path = new URL(formAction, nextUrl).pathname;
  return SESSION_ACTIONS.some((pattern) => pattern.test(path));
};

export function Layout({ children }: { children: ReactNode }) {
  const translator = useT();
  const nonce = useNonce();
  const matches = useMatches();
  const error = useRouteError();
  const head = pageHeadOf(matches);
  const title = error
    ? `${translator.t(`error.${errorCodeOf(isRouteErrorResponse(error) ? error.status : 500)}.title`)} – ${translator.t("app.name")}`
    : documentTitle(translator, head);
  return (
    <html lang={translator.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {error
          ? null
          : head?.head.alternates?.map((alternate) => (
              <link key={alternate.href} rel="alternate" type={alternate.type} href={alternate.href} title={translator.t(alternate.title)} />
            ))}
        <Links />
        {/* The page's texts, cached for good (their URLs name their content); they run before the page hydrates. */}
        {translator.scripts.map((src) => (
          <script key={src} src={src} defer nonce={nonce} />
        ))}
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  const data = useRouteLoaderData<typeof loader>("root");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (!isRouteErrorResponse(error)) console.error(error);
  const page = <ErrorPage status={status} path={location.pathname} />;
  // Without root data (the root loader itself failed) there is no navigation to draw.
  return data ? <Shell>{page}</Shell> : page;
}
