import type { MetaFunction } from "@remix-run/node";

import { useT } from "~/i18n";
import { title } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => title(matches, "login.title");

export default function Login() {
  const { t } = useT();
  return (
    <>
      <h1>{t("login.title")}</h1>
      <p>{t("login.byInvitation")}</p>
    </>
  );
}
