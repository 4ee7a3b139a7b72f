import { Link } from "@remix-run/react";

import { useT, type MessageKey } from "~/i18n";

const known = new Set([401, 403, 404, 409, 503]);

/** One page per HTTP status, in the visitor's language. */
export function ErrorPage({ status, path }: { status: number; path: string }) {
  const { t } = useT();
  const code = known.has(status) ? status : 500;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title">{t(`error.${code}.title` as MessageKey)}</h1>
      <p>{t(`error.${code}.text` as MessageKey, { path })}</p>
      <p>
        <Link to="/">{t("error.backHome")}</Link>
      </p>
    </section>
  );
}
