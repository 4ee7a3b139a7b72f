import type { MetaFunction } from "@remix-run/node";

import { useT } from "~/i18n";
import { title } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => title(matches, "status.title");

/** "Driftinformation": public, no sign-in. Approved changes that affect users are listed here. */
export default function Status() {
  const { t } = useT();
  return (
    <>
      <h1>{t("status.title")}</h1>
      <p>{t("status.intro")}</p>
      <p className="muted">{t("status.none")}</p>
    </>
  );
}
