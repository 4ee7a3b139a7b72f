import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { OrganisationForm } from "~/components/admin/organisation-form";
import { ErrorSummary, Notice } from "~/components/forms";
import { useT } from "~/i18n";
import { getOrganisation, setOrganisationActive, updateOrganisation } from "~/admin/organisations.server";
import { requireRole } from "~/access/guards.server";
import { formObject } from "~/ui/forms";
import { parseId } from "~/http/ids";
import type { PageHandle, RouteData } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle: PageHandle<RouteData<typeof loader>> = { head: { title: (data, { t }) => t("org.edit", { name: data?.organisation.name ?? "" }) } };

async function load(params: { id?: string }) {
  const id = parseId(params.id);
  const organisation = id ? await getOrganisation(db(), id) : undefined;
  if (!organisation) throw new Response("Not found", { status: 404 });
  return organisation;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return { organisation: await load(params) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireRole(request, "admin");
  const organisation = await load(params);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  if (intent === "deactivate" || intent === "reactivate") {
    const result = await setOrganisationActive(db(), organisation.id, intent === "reactivate");
    if (!result.ok) return data({ values: undefined, errors: result.fieldErrors }, { status: 409 });
    return redirect(`/admin/organisations/${organisation.id}?notice=${intent}d`);
  }
  if (intent !== "save") throw new Response("Unknown intent", { status: 400 });
  const values = formObject(form);
  const result = await updateOrganisation(db(), organisation.id, values);
  if (!result.ok) return data({ values, errors: result.fieldErrors }, { status: 422 });
  return redirect(`/admin/organisations/${organisation.id}?notice=saved`);
}

export default function EditOrganisation() {
  const { t } = useT();
  const { organisation } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  return (
    <>
      <h1>{t("org.edit", { name: organisation.name })}</h1>
      {notice === "saved" ? <Notice>{t("form.saved")}</Notice> : null}
      {notice === "created" ? <Notice>{t("form.created")}</Notice> : null}
      {notice === "deactivated" ? <Notice>{t("admin.deactivated", { name: organisation.name })}</Notice> : null}
      {notice === "reactivated" ? <Notice>{t("admin.reactivated", { name: organisation.name })}</Notice> : null}
      {!actionData?.values ? <ErrorSummary errors={actionData?.errors} /> : null}
      <OrganisationForm
        key={organisation.updatedAt.toString()}
        values={actionData?.values ?? organisation}
        errors={actionData?.values ? actionData.errors : undefined}
        submitLabel={t("form.save")}
      />
      <h2>{t("admin.status")}</h2>
      <Form method="post">
        <p>
          <span className={`badge ${organisation.active ? "badge--ok" : "badge--muted"}`}>{organisation.active ? t("admin.active") : t("admin.inactive")}</span>
        </p>
        <button
          type="submit"
          name="intent"
          value={organisation.active ? "deactivate" : "reactivate"}
          className={`button ${organisation.active ? "button--danger" : "button--secondary"}`}
        >
          {organisation.active ? t("admin.deactivate") : t("admin.reactivate")}
        </button>
      </Form>
    </>
  );
}
