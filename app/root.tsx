import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useRouteError,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useMemo, type ReactNode } from "react";

import { ErrorPage } from "~/components/error-page";
import { Shell } from "~/components/shell";
import { I18nContext, makeTranslator, DEFAULT_LANG } from "~/i18n";
import { fallbackMessages } from "~/i18n/fallback";
import { getLang, messagesFor } from "~/i18n/i18n.server";
import { getUser } from "~/access/guards.server";
import { useNonce } from "~/ui/nonce";
import { placesFor } from "~/ui/places";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const viewport = { name: "viewport", content: "width=device-width, initial-scale=1" };
  if (!error) return [viewport];
  // An error page still needs a title; the routes that would have given one did not render.
  const status = isRouteErrorResponse(error) && [401, 403, 404, 409, 503].includes(error.status) ? error.status : 500;
  const messages = data?.messages as Record<string, string> | undefined;
  const page = messages?.[`error.${status}.title`] ?? "Error";
  return [viewport, { title: messages ? `${page} – ${messages["app.name"]}` : page }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const lang = await getLang(request);
  // The shell must render even when the database is down, so a failed lookup means "anonymous".
  const user = await getUser(request).catch(() => undefined);
  return {
    lang,
    messages: messagesFor(lang),
    user: user ? { name: user.name, email: user.email, role: user.role } : null,
    places: placesFor(user?.role).map((p) => ({ path: p.path, label: p.label })),
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

// The dictionary and the user only change through a form (language switch, sign-in, sign-out).
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod !== undefined && formMethod.toUpperCase() !== "GET" ? defaultShouldRevalidate : false;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const lang = data?.lang ?? DEFAULT_LANG;
  const translator = useMemo(() => makeTranslator(lang, data?.messages ?? fallbackMessages(lang)), [lang, data?.messages]);
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nContext.Provider value={translator}>{children}</I18nContext.Provider>
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
