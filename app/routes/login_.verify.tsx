import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { secondFactorStep } from "~/access/sign-in.server";
import { ErrorSummary } from "~/components/forms";
import { fetchWebAuthnOptions, WebAuthnButton } from "~/components/webauthn";
import { useT } from "~/i18n";
import { clientIp, parkedCookie, parkedToken, sessionCookie, startPageFor } from "~/access/guards.server";
import { sessionForToken } from "~/access/sessions.server";
import { titled } from "~/ui/meta";
import { safeRedirect } from "~/http/safe-redirect";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("login.verifyTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = await parkedToken(request);
  const parked = token ? await sessionForToken(db(), token, { parked: true }) : undefined;
  if (!parked) return redirect("/login?notice=expired");
  return { name: parked.user.name };
}

/** Step two: the assertion from one of the person's authenticators. */
export async function action({ request, context }: ActionFunctionArgs) {
  const token = await parkedToken(request);
  if (!token) return redirect("/login?notice=expired");
  const form = await readFormData(request, BODY_LIMITS.signIn);
  let response: unknown;
  try {
    response = JSON.parse(String(form.get("response") ?? ""));
  } catch {
    return data({ error: { key: "webauthn.failed" as const } }, { status: 400 });
  }
  const result = await secondFactorStep(db(), token, response, { ip: clientIp(context), userAgent: request.headers.get("User-Agent") });
  if (!result.ok) {
    if (result.error.key === "login.expired") return redirect("/login?notice=expired");
    return data({ error: result.error }, { status: 401 });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookie().serialize(result.token));
  headers.append("Set-Cookie", await parkedCookie().serialize("", { maxAge: 0 }));
  const target = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), startPageFor(result.user.role));
  return redirect(target, { headers });
}

export default function Verify() {
  const { t } = useT();
  const { name } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="narrow">
      <h1>{t("login.verifyTitle")}</h1>
      <p>{t("login.verifyIntro", { name })}</p>
      <ErrorSummary errors={actionData?.error ? { _form: actionData.error } : undefined} />
      <WebAuthnButton mode="authenticate" intent="verify" label={t("login.useKey")} fetchOptions={() => fetchWebAuthnOptions("sign-in")} />
      <p>
        <Link to="/login">{t("login.startOver")}</Link>
      </p>
    </div>
  );
}
