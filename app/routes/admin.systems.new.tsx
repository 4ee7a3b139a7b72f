import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { SystemForm } from "~/components/admin/system-form";
import { useT } from "~/i18n";
import { createSystem, systemFormChoices, systemFromForm } from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("system.new");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return { choices: await systemFormChoices(db()) };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireRole(request, "admin");
  const values = systemFromForm(await readFormData(request, BODY_LIMITS.form));
  const result = await createSystem(db(), values);
  if (!result.ok) return data({ values, errors: result.fieldErrors }, { status: 422 });
  return redirect(`/admin/systems/${result.value.code}?notice=created`);
}

export default function NewSystem() {
  const { t } = useT();
  const { choices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>{t("system.new")}</h1>
      <SystemForm values={actionData?.values ?? {}} errors={actionData?.errors} choices={choices} submitLabel={t("form.create")} />
    </>
  );
}
