import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { PersonFields } from "~/components/admin/person-fields";
import { ErrorSummary, Notice } from "~/components/forms";
import { useT } from "~/i18n";
import { deactivateUser, getUserById, inviteFormArrays, personChoices, reactivateUser, resetUser, systemIdsOf, updatePerson } from "~/admin/people.server";
import { requireRole } from "~/access/guards.server";
import { formObject, type FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import type { PageHandle, RouteData } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle: PageHandle<RouteData<typeof loader>> = { head: { title: (data, { t }) => t("user.edit", { name: data?.person.name ?? "" }) } };

async function load(id: string | undefined) {
  const personId = parseId(id);
  const person = personId ? await getUserById(db(), personId) : undefined;
  if (!person) throw new Response("Not found", { status: 404 });
  return person;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const person = await load(params.id);
  return {
    person: {
      id: person.id,
      name: person.name,
      email: person.email,
      role: person.role,
      extraRoles: person.extraRoles,
      organisationId: person.organisationId,
      status: person.status,
      lastSignInAt: person.lastSignInAt,
    },
    systemIds: await systemIdsOf(db(), person),
    choices: await personChoices(db(), admin),
    self: admin.id === person.id,
  };
}

type Result = { values?: Record<string, unknown>; errors?: FieldErrors; invitationUrl?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const person = await load(params.id);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  // An administrator cannot lock themselves out by accident.
  if (person.id === admin.id && intent !== "save") {
    return data<Result>({ errors: { _form: { key: "user.notYourself" } } }, { status: 409 });
  }
  switch (intent) {
    case "save": {
      const values = formObject(form, inviteFormArrays);
      // An administrator does not take the role from themselves (as the first role or an extra one).
      const extra = ([] as unknown[]).concat(values.extraRoles ?? []);
      if (person.id === admin.id && values.role !== "admin" && !extra.includes("admin")) {
        return data<Result>({ values, errors: { role: { key: "user.notYourself" } } }, { status: 409 });
      }
      const result = await updatePerson(db(), person.id, values, admin);
      if (!result.ok) return data<Result>({ values, errors: result.fieldErrors }, { status: 422 });
      return redirect(`/admin/users/${person.id}?notice=saved`);
    }
    case "deactivate":
      await deactivateUser(db(), person.id, admin);
      return redirect(`/admin/users/${person.id}?notice=deactivated`);
    case "reactivate":
      await reactivateUser(db(), person.id, admin);
      return redirect(`/admin/users/${person.id}?notice=reactivated`);
    case "reset": {
      const { url } = await resetUser(db(), person.id, admin);
      return data<Result>({ invitationUrl: url });
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

export default function EditUser() {
  const { t, formatDateTime } = useT();
  const { person, systemIds, choices, self } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  return (
    <>
      <p>
        <Link to="/admin/users">{t("admin.users")}</Link>
      </p>
      <h1>{t("user.edit", { name: person.name })}</h1>
      <p>
        {person.email} · <span className="badge">{t(`user.status.${person.status}`)}</span> · {t("user.lastSignIn")}:{" "}
        {person.lastSignInAt ? formatDateTime(person.lastSignInAt) : t("settings.never")}
      </p>
      {notice === "saved" ? <Notice>{t("form.saved")}</Notice> : null}
      {notice === "deactivated" ? <Notice>{t("admin.deactivated", { name: person.name })}</Notice> : null}
      {notice === "reactivated" ? <Notice>{t("admin.reactivated", { name: person.name })}</Notice> : null}
      {result?.invitationUrl ? (
        <div className="notice" role="status">
          <p>{t("user.resetDone", { name: person.name })}</p>
          <p>
            <code className="token" data-testid="invitation-url">
              {result.invitationUrl}
            </code>
          </p>
        </div>
      ) : null}
      <Form method="post" noValidate>
        <ErrorSummary errors={result?.errors} />
        <input type="hidden" name="intent" value="save" />
        <PersonFields values={result?.values ?? { ...person, systemIds }} errors={result?.errors} choices={choices} />
        <button type="submit" className="button">
          {t("form.save")}
        </button>
      </Form>
      {self ? null : (
        <>
          <h2>{t("user.access")}</h2>
          <p>{t("user.accessIntro")}</p>
          <Form method="post" className="button-row">
            {person.status === "deactivated" ? (
              <button type="submit" name="intent" value="reactivate" className="button button--secondary">
                {t("admin.reactivate")}
              </button>
            ) : (
              <button type="submit" name="intent" value="deactivate" className="button button--danger">
                {t("admin.deactivate")}
              </button>
            )}
            <button type="submit" name="intent" value="reset" className="button button--secondary">
              {t("user.reset")}
            </button>
          </Form>
        </>
      )}
    </>
  );
}
