import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

import { useT } from "~/i18n";

/**
 * The links to a list's previous and next page around where the reader is ("Sida 2 av 5"), or
 * nothing when there is only one page. The texts default to the case list's; a list of other
 * things names its own.
 */
export function Pager({
  previous,
  next,
  children,
  label,
  previousText,
  nextText,
}: {
  previous: string | null;
  next: string | null;
  /** Where the reader is, e.g. "Sida 2 av 5". */
  children: ReactNode;
  label?: string;
  previousText?: string;
  nextText?: string;
}) {
  const { t } = useT();
  if (!previous && !next) return null;
  return (
    <nav className="pagination" aria-label={label ?? t("cases.pagination")}>
      {previous ? (
        <Link to={previous} rel="prev">
          {previousText ?? t("cases.previous")}
        </Link>
      ) : null}
      <span>{children}</span>
      {next ? (
        <Link to={next} rel="next">
          {nextText ?? t("cases.next")}
        </Link>
      ) : null}
    </nav>
  );
}
