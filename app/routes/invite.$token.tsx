import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { hashPassword, newPasswordSchema } from "~/access/password.server";
import { verifyRegistration } from "~/access/webauthn.server";
import { ErrorSummary, TextField } from "~/components/forms";
import { fetchWebAuthnOptions, WebAuthnButton } from "~/components/webauthn";
import { useT } from "~/i18n";
import { createSession } from "~/access/sessions.server";
import { completeInvitation, findInvitation, setPendingPassword } from "~/admin/people.server";
import { clientIp, sessionCookie, startPageFor } from "~/access/guards.server";
import { validate } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("invite.title");

/**
 * Accepting an invitation: choose a password, then register an authenticator. The account
 * exists (is active) only when both are done; the password waits on the invitation till then.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const found = await findInvitation(db(), token);
  if (!found.ok) return data({ step: "invalid" as const, reason: found.reason }, { status: found.reason === "unknown" ? 404 : 410 });
  const { invitation, user } = found;
  if (!invitation.pendingPasswordHash) {
    return { step: "password" as const, name: user.name, email: user.email };
  }
  return { step: "register" as const, name: user.name, email: user.email, token };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const found = await findInvitation(db(), params.token ?? "");
  if (!found.ok) return data({ intent: "invalid" as const, errors: { _form: { key: "invite.invalid" as const } } }, { status: 410 });
  const { invitation, user } = found;
  const form = await readFormData(request, BODY_LIMITS.credentials);
  const intent = form.get("intent");

  if (intent === "password") {
    const parsed = validate(newPasswordSchema, { password: form.get("password"), confirm: form.get("confirm") });
    if (!parsed.ok) return data({ intent: "password" as const, errors: parsed.fieldErrors }, { status: 422 });
    if (parsed.value.password.toLowerCase() === user.email.toLowerCase()) {
      return data({ intent: "password" as const, errors: { password: { key: "password.common" as const } } }, { status: 422 });
    }
    await setPendingPassword(db(), invitation.id, await hashPassword(parsed.value.password));
    return redirect(`/invite/${params.token}`);
  }

  if (intent === "register") {
    let response: unknown;
    try {
      response = JSON.parse(String(form.get("response") ?? ""));
    } catch {
      response = undefined;
    }
    const credential = response ? await verifyRegistration(db(), response, "register-invitation", { invitationId: invitation.id }) : undefined;
    if (!credential) return data({ intent: "register" as const, errors: { _form: { key: "webauthn.failed" as const } } }, { status: 422 });
    const name =
      String(form.get("name") ?? "")
        .trim()
        .slice(0, 100) || "Säkerhetsnyckel";
    const active = await completeInvitation(db(), invitation, { ...credential, name }, clientIp(context));
    if (!active) return data({ intent: "register" as const, errors: { _form: { key: "invite.invalid" as const } } }, { status: 410 });
    const token = await createSession(db(), active.id, { ip: clientIp(context), userAgent: request.headers.get("User-Agent") });
    return redirect(`${startPageFor(active.role)}`, { headers: { "Set-Cookie": await sessionCookie().serialize(token) } });
  }
  throw new Response("Unknown intent", { status: 400 });
}

export default function AcceptInvitation() {
  const { t } = useT();
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (loaderData.step === "invalid") {
    return (
      <div className="narrow">
        <h1>{t("invite.invalidTitle")}</h1>
        <p>{t(loaderData.reason === "expired" ? "invite.expired" : loaderData.reason === "used" ? "invite.used" : "invite.unknown")}</p>
        <p>
          <Link to="/login">{t("nav.login")}</Link>
        </p>
      </div>
    );
  }
  const errors = actionData?.errors as Partial<Record<string, { key: never }>> | undefined;
  return (
    <div className="narrow">
      <h1>{t("invite.title")}</h1>
      <p>{t("invite.welcome", { name: loaderData.name, email: loaderData.email })}</p>
      <ol className="steps">
        <li aria-current={loaderData.step === "password" ? "step" : undefined}>{t("invite.step1")}</li>
        <li aria-current={loaderData.step === "register" ? "step" : undefined}>{t("invite.step2")}</li>
      </ol>
      {loaderData.step === "password" ? (
        <Form method="post" noValidate>
          <ErrorSummary errors={errors} />
          <input type="hidden" name="intent" value="password" />
          <input type="text" name="username" autoComplete="username" value={loaderData.email} readOnly hidden />
          <TextField
            label={t("invite.password")}
            hint={t("invite.passwordHint")}
            name="password"
            type="password"
            autoComplete="new-password"
            error={errors?.password}
            required
          />
          <TextField label={t("invite.confirm")} name="confirm" type="password" autoComplete="new-password" error={errors?.confirm} required />
          <div className="button-row">
            <button type="submit" className="button">
              {t("invite.continue")}
            </button>
          </div>
        </Form>
      ) : (
        <>
          <p>{t("invite.registerIntro")}</p>
          <ErrorSummary errors={errors} />
          <WebAuthnButton
            mode="register"
            intent="register"
            label={t("invite.register")}
            fetchOptions={() => fetchWebAuthnOptions("register-invitation", { token: loaderData.token })}
            extra={{ name: t("webauthn.defaultName") }}
          />
        </>
      )}
    </div>
  );
}
