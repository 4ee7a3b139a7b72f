import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { PersonFields } from "~/components/admin/person-fields";
import { ErrorSummary, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { inviteFormArrays, inviteUser, personChoices } from "~/admin/people.server";
import { requireRole } from "~/access/guards.server";
import { formObject, type FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { hasRole } from "~/access/roles";

export const handle = titled("user.invite");

/** Invite a person. Administrators invite anyone; the service centre invites supplier people. */
export async function loader({ request }: LoaderFunctionArgs) {
  const inviter = await requireRole(request, "admin", "service-centre");
  return { choices: await personChoices(db(), inviter), isAdmin: hasRole(inviter, "admin") };
}

type Result = { values: Record<string, unknown>; errors?: FieldErrors; invited?: { name: string; email: string; url: string; expiresAt: string } };

export async function action({ request }: ActionFunctionArgs) {
  const inviter = await requireRole(request, "admin", "service-centre");
  const values = formObject(await readFormData(request, BODY_LIMITS.form), inviteFormArrays);
  const result = await inviteUser(db(), values, inviter);
  if (!result.ok) return data<Result>({ values, errors: result.fieldErrors }, { status: 422 });
  const { user, url, expiresAt } = result.value;
  return data<Result>({ values: {}, invited: { name: user.name, email: user.email, url, expiresAt: expiresAt.toISOString() } });
}

export default function InviteUser() {
  const { t, formatDateTime } = useT();
  const { choices, isAdmin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{t("user.invite")}</h1>
      <p>{t("user.inviteIntro")}</p>
      {result?.invited ? (
        <div className="notice" role="status">
          <p>{t("user.invited", { name: result.invited.name, email: result.invited.email, expires: formatDateTime(result.invited.expiresAt) })}</p>
          <p>
            <code className="token" data-testid="invitation-url">
              {result.invited.url}
            </code>
          </p>
        </div>
      ) : null}
      <Form method="post" noValidate key={result?.invited?.url ?? "form"}>
        <ErrorSummary errors={result?.errors} />
        <TextField
          label={t("user.email")}
          name="email"
          type="email"
          defaultValue={String(result?.values.email ?? "")}
          error={result?.errors?.email}
          required
          autoComplete="off"
        />
        <PersonFields values={result?.values ?? {}} errors={result?.errors} choices={choices} />
        <div className="button-row">
          <button type="submit" className="button">
            {t("user.sendInvitation")}
          </button>
          {isAdmin ? <Link to="/admin/users">{t("form.cancel")}</Link> : null}
        </div>
      </Form>
    </>
  );
}
