import { Link } from "@remix-run/react";

import { useT } from "~/i18n";

const KNOWN = [401, 403, 404, 409, 503] as const;
export type ErrorCode = (typeof KNOWN)[number] | 500;

/** The status an error page explains: the known ones, everything else as 500. */
export function errorCodeOf(status: number): ErrorCode {
  return KNOWN.find((code) => code === status) ?? 500;
}

/** One page per HTTP status, in the visitor's language. */
export function ErrorPage({ status, path }: { status: number; path: string }) {
  const { t } = useT();
  const code = errorCodeOf(status);
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title">{t(`error.${code}.title`)}</h1>
      <p>{t(`error.${code}.text`, { path })}</p>
      <p>
        <Link to="/">{t("error.backHome")}</Link>
      </p>
    </section>
  );
}
