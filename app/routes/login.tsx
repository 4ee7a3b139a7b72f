import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { passwordStep } from "~/access/sign-in.server";
import { ErrorSummary, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { clientIp, getUser, parkedCookie, startPageFor } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { safeRedirect } from "~/http/safe-redirect";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("login.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) return redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo"), startPageFor(user.role)));
  return null;
}

/** Step one: e-mail and password. Success parks a session and moves on to the security key. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readFormData(request, BODY_LIMITS.signIn);
  const email = String(form.get("email") ?? "").slice(0, 254);
  const password = String(form.get("password") ?? "").slice(0, 256);
  const redirectTo = safeRedirect(form.get("redirectTo"), "");
  const result = await passwordStep(db(), {
    email,
    password,
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) return data({ email, error: result.error }, { status: result.error.key === "login.locked" ? 429 : 401 });
  const next = redirectTo ? `/login/verify?${new URLSearchParams({ redirectTo })}` : "/login/verify";
  return redirect(next, { headers: { "Set-Cookie": await parkedCookie().serialize(result.parkedToken) } });
}

export default function Login() {
  const { t } = useT();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const notice = searchParams.get("notice");
  return (
    <div className="narrow">
      <h1>{t("login.title")}</h1>
      <p>{t("login.intro")}</p>
      {notice === "expired" ? <p className="notice notice--warn">{t("login.expired")}</p> : null}
      <Form method="post" noValidate>
        <ErrorSummary errors={actionData?.error ? { _form: actionData.error } : undefined} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <TextField label={t("login.email")} name="email" type="email" autoComplete="username" defaultValue={actionData?.email ?? ""} required />
        <TextField label={t("login.password")} name="password" type="password" autoComplete="current-password" required />
        <div className="button-row">
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {t("login.next")}
          </button>
        </div>
      </Form>
      <p className="muted">{t("login.byInvitation")}</p>
    </div>
  );
}
