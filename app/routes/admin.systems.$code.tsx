import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { SystemForm } from "~/components/admin/system-form";
import { ErrorSummary, Notice, SelectField } from "~/components/forms";
import { useT } from "~/i18n";
import {
  addDependency,
  getSystemByCode,
  listSystems,
  removeDependency,
  setSystemActive,
  systemFormChoices,
  systemFromForm,
  updateSystem,
} from "~/admin/systems.server";
import { requireRole } from "~/access/guards.server";
import type { FieldErrors } from "~/ui/forms";
import type { PageHandle, RouteData } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle: PageHandle<RouteData<typeof loader>> = { head: { title: (data, { t }) => t("system.edit", { name: data?.system.name ?? "" }) } };

async function load(code: string | undefined) {
  const system = code ? await getSystemByCode(db(), code) : undefined;
  if (!system) throw new Response("Not found", { status: 404 });
  return system;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const system = await load(params.code);
  const [choices, all] = await Promise.all([systemFormChoices(db()), listSystems(db())]);
  const linked = new Set(system.dependsOnSystems.map((s) => s.id));
  return {
    system,
    choices,
    candidates: all.filter((s) => s.id !== system.id && !linked.has(s.id)).map((s) => ({ code: s.code, name: s.name })),
  };
}

type ActionResult = { form: "system" | "dependency" | "status"; values?: Record<string, unknown>; errors: FieldErrors };

export async function action({ request, params }: ActionFunctionArgs) {
  await requireRole(request, "admin");
  const system = await load(params.code);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  const back = (code: string, notice: string, extra = "") =>
    redirect(`/admin/systems/${code}?notice=${notice}${extra}#${notice.startsWith("dependency") ? "dependencies" : "main"}`);
  switch (intent) {
    case "save": {
      const values = systemFromForm(form);
      const result = await updateSystem(db(), system.id, values);
      if (!result.ok) return data<ActionResult>({ form: "system", values, errors: result.fieldErrors }, { status: 422 });
      return back(result.value.code, "saved");
    }
    case "deactivate":
    case "reactivate":
      await setSystemActive(db(), system.id, intent === "reactivate");
      return back(system.code, `${intent}d`);
    case "add-dependency": {
      const result = await addDependency(db(), system.id, String(form.get("dependsOn") ?? ""));
      if (!result.ok) return data<ActionResult>({ form: "dependency", errors: result.fieldErrors }, { status: 422 });
      return back(system.code, "dependency-added", `&code=${encodeURIComponent(result.value.code)}`);
    }
    case "remove-dependency": {
      const target = system.dependsOnSystems.find((s) => s.id === Number(form.get("dependsOnId")));
      if (!target) throw new Response("Not found", { status: 404 });
      await removeDependency(db(), system.id, target.id);
      return back(system.code, "dependency-removed", `&code=${encodeURIComponent(target.code)}`);
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

export default function EditSystem() {
  const { t } = useT();
  const { system, choices, candidates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  const code = searchParams.get("code") ?? "";
  const systemErrors = actionData?.form === "system" ? actionData.errors : undefined;
  const dependencyErrors = actionData?.form === "dependency" ? actionData.errors : undefined;
  const formValues =
    actionData?.form === "system" && actionData.values
      ? actionData.values
      : {
          ...system,
          administratorIds: system.administrators.map((a) => a.id),
        };
  return (
    <>
      <p>
        <Link to="/admin/systems">{t("admin.systems")}</Link>
      </p>
      <h1>{t("system.edit", { name: system.name })}</h1>
      {notice === "saved" ? <Notice>{t("form.saved")}</Notice> : null}
      {notice === "created" ? <Notice>{t("form.created")}</Notice> : null}
      {notice === "deactivated" ? <Notice>{t("admin.deactivated", { name: system.name })}</Notice> : null}
      {notice === "reactivated" ? <Notice>{t("admin.reactivated", { name: system.name })}</Notice> : null}
      <SystemForm key={String(system.updatedAt)} values={formValues} errors={systemErrors} choices={choices} submitLabel={t("form.save")} />

      <section aria-labelledby="dependencies" className="section">
        <h2 id="dependencies" tabIndex={-1}>
          {t("system.dependencies")}
        </h2>
        <p>{t("system.dependencies.intro")}</p>
        {notice === "dependency-added" ? <Notice>{t("system.dependencyAdded", { system: system.code, dependsOn: code })}</Notice> : null}
        {notice === "dependency-removed" ? <Notice>{t("system.dependencyRemoved", { dependsOn: code })}</Notice> : null}
        <h3>{t("system.dependsOn")}</h3>
        {system.dependsOnSystems.length ? (
          <ul>
            {system.dependsOnSystems.map((d) => (
              <li key={d.id}>
                <Link to={`/admin/systems/${d.code}`}>
                  {d.code} – {d.name}
                </Link>{" "}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="dependsOnId" value={d.id} />
                  <button type="submit" name="intent" value="remove-dependency" className="link-button">
                    {t("system.removeDependency", { code: d.code })}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("system.noDependencies")}</p>
        )}
        <Form method="post" noValidate>
          <ErrorSummary errors={dependencyErrors} />
          <SelectField label={t("system.addDependency")} name="dependsOn" error={dependencyErrors?.dependsOn} defaultValue="">
            <option value="">{t("form.choose")}</option>
            {candidates.map((c) => (
              <option key={c.code} value={c.code}>
                {`${c.code} – ${c.name}`}
              </option>
            ))}
          </SelectField>
          <button type="submit" name="intent" value="add-dependency" className="button button--secondary">
            {t("system.addDependency")}
          </button>
        </Form>
        <h3>{t("system.dependedOnBy")}</h3>
        {system.dependedOnBy.length ? (
          <ul>
            {system.dependedOnBy.map((d) => (
              <li key={d.id}>
                <Link to={`/admin/systems/${d.code}`}>
                  {d.code} – {d.name}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("system.noDependencies")}</p>
        )}
      </section>

      <h2>{t("admin.status")}</h2>
      <Form method="post">
        <p>
          <span className={`badge ${system.active ? "badge--ok" : "badge--muted"}`}>{system.active ? t("admin.active") : t("admin.inactive")}</span>
        </p>
        <button
          type="submit"
          name="intent"
          value={system.active ? "deactivate" : "reactivate"}
          className={`button ${system.active ? "button--danger" : "button--secondary"}`}
        >
          {system.active ? t("admin.deactivate") : t("admin.reactivate")}
        </button>
      </Form>
    </>
  );
}
