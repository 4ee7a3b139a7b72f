import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData } from "@remix-run/react";

import { db } from "../../db/client";
import { OrganisationForm } from "~/components/admin/organisation-form";
import { useT } from "~/i18n";
import { createOrganisation } from "~/admin/organisations.server";
import { requireRole } from "~/access/guards.server";
import { formObject } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("org.new");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  await requireRole(request, "admin");
  const values = formObject(await readFormData(request, BODY_LIMITS.form));
  const result = await createOrganisation(db(), values);
  if (!result.ok) return data({ values, errors: result.fieldErrors }, { status: 422 });
  return redirect(`/admin/organisations/${result.value.id}?notice=created`);
}

export default function NewOrganisation() {
  const { t } = useT();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("org.new")}</h1>
      <OrganisationForm values={actionData?.values ?? {}} errors={actionData?.errors} submitLabel={t("form.create")} />
    </>
  );
}
