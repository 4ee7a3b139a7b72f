import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { RequestForm } from "~/components/request-form";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { fieldErrorsOf, type FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { createCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { WorkflowError } from "~/cases/errors";
import { requestFormContext, toFormErrors } from "~/cases/request-context.server";
import { categoryOf, isFormCategory, type FormCategory } from "~/cases/form-category";
import { copyValues, emptyRequest, requestFormSchema, toCaseInput, valuesFromCase, valuesFromForm, type RequestFormValues } from "~/cases/request-form";
import { templateForRequest, type StandardChange } from "~/cases/templates.server";
import { parseId } from "~/http/ids";
import { isoToStockholmLocal } from "../../machines/time";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle = titled("request.newTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...PLACES.newCase.roles);
  const url = new URL(request.url);
  const category = url.searchParams.get("type");
  const context = await requestFormContext(db(), user);
  let defaults: RequestFormValues = { ...emptyRequest, systemCode: context.systems.length === 1 ? context.systems[0]!.code : "" };
  // A planned change created from an incident starts from the incident.
  const from = url.searchParams.get("from");
  let fromIncident: string | null = null;
  if (category === "change" && from) {
    const incident = await getCaseView(db(), user, from.slice(0, 40)).catch(() => undefined);
    if (incident?.type === "emergency") {
      fromIncident = incident.number;
      defaults = {
        ...defaults,
        systemCode: incident.system.code,
        title: incident.title,
        description: incident.description,
        linkedCase: incident.number,
        supplierId: incident.supplier ? String(incident.supplier.id) : "",
        accounts: ((incident.details.accounts as string[] | undefined) ?? []).join("\n"),
        supplierPeople: ((incident.details.supplierPeople as string[] | undefined) ?? []).join("\n"),
      };
    }
  }
  // A copy of an earlier request, or a template: its texts without the occasion's window and tickets.
  const copy = url.searchParams.get("copy");
  let copyOf: string | null = null;
  if (copy && !from) {
    const original = await getCaseView(db(), user, copy.slice(0, 40)).catch(() => undefined);
    // Only a request on a system they request for: another role may show them others' cases.
    if (original && categoryOf(original.type) === category && context.systems.some((s) => s.code === original.system.code)) {
      copyOf = original.number;
      defaults = copyValues(valuesFromCase(original, isoToStockholmLocal));
    }
  }
  const templateId = parseId(url.searchParams.get("template"));
  let template: { id: number; name: string; standard: StandardChange | null } | null = null;
  let templateCategory: FormCategory | null = null;
  if (templateId && !from && !copyOf) {
    const found = await templateForRequest(db(), user, templateId).catch(notFound);
    template = { id: found.id, name: found.name, standard: found.standard };
    templateCategory = found.category;
    defaults = found.values;
  }
  const chosen = templateCategory ?? (isFormCategory(category) ? category : null);
  return { category: chosen, defaults, fromIncident, copyOf, template, ...context };
}

/** A template the requester may not use, or none at all: the same 404. */
const notFound = (error: unknown): never => {
  if (error instanceof WorkflowError) throw new Response("Not found", { status: 404 });
  throw error;
};

type Result = { errors: FieldErrors; values: RequestFormValues };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...PLACES.newCase.roles);
  const form = await readFormData(request, BODY_LIMITS.caseForm);
  const category = form.get("category");
  if (!isFormCategory(category)) throw new Response("Unknown category", { status: 400 });
  const intent = form.get("intent") === "draft" ? "draft" : "submit";
  const values = valuesFromForm(form);
  // The template the form came from: the server's record of it decides whether it is a standard change.
  const templateId = parseId(form.get("templateId"));
  const template = templateId ? await templateForRequest(db(), user, templateId).catch(notFound) : null;
  const standard = Boolean(template?.standard);
  const { earliest } = await requestFormContext(db(), user);
  const checked = requestFormSchema(category, intent, earliest, standard).safeParse(values);
  if (!checked.success) return data<Result>({ errors: fieldErrorsOf(checked.error), values }, { status: 422 });
  try {
    const created = await createCase(db(), user, toCaseInput(category, checked.data, intent, new Date(), template ? { id: template.id, standard } : undefined));
    return redirect(`/cases/${created.number}?notice=${intent === "draft" ? "draft-saved" : "submitted"}`);
  } catch (error) {
    if (error instanceof WorkflowError && error.status === 422) {
      return data<Result>({ errors: toFormErrors(error.fieldErrors), values }, { status: 422 });
    }
    throw error;
  }
}

export default function NewRequest() {
  const { t } = useT();
  const loaderData = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { category } = loaderData;

  if (!category) {
    return (
      <>
        <h1>{t("request.newTitle")}</h1>
        <h2>{t("request.chooseCategory")}</h2>
        <ul className="cards">
          {(
            [
              ["emergency", "request.category.emergency", "request.category.emergency.text"],
              ["change", "request.category.change", "request.category.change.text"],
              ["standing-access", "request.category.standing", "request.category.standing.text"],
            ] as const
          ).map(([value, label, text]) => (
            <li key={value} className="card">
              <h3>
                <Link to={`?type=${value}`}>{t(label)}</Link>
              </h3>
              <p>{t(text)}</p>
            </li>
          ))}
        </ul>
      </>
    );
  }

  const heading = category === "emergency" ? "request.category.emergency" : category === "change" ? "request.category.change" : "request.category.standing";
  return (
    <>
      <p>
        <Link to="/cases/new">{t("request.otherCategory")}</Link>
      </p>
      <h1>{t(heading)}</h1>
      {loaderData.fromIncident ? <p className="notice">{t("request.fromIncident", { number: loaderData.fromIncident })}</p> : null}
      {loaderData.copyOf ? <p className="notice">{t("request.copyOf", { number: loaderData.copyOf })}</p> : null}
      {loaderData.template ? (
        <p className="notice" id="template-notice">
          {loaderData.template.standard
            ? t("request.fromStandard", { name: loaderData.template.name, reference: loaderData.template.standard.reference })
            : t("request.fromTemplate", { name: loaderData.template.name })}
        </p>
      ) : null}
      {loaderData.systems.length === 0 ? <p className="notice notice--warn">{t("request.noSystems")}</p> : null}
      <RequestForm
        key={category}
        category={category}
        earliest={loaderData.earliest}
        systems={loaderData.systems}
        allSystems={loaderData.allSystems}
        suppliers={loaderData.suppliers}
        serviceCentrePhone={loaderData.serviceCentrePhone}
        defaultValues={result?.values ?? loaderData.defaults}
        serverErrors={result?.errors}
        allowDraft
        submitLabel={t("request.submit")}
        hidden={{ category, ...(loaderData.template ? { templateId: String(loaderData.template.id) } : {}) }}
        standard={Boolean(loaderData.template?.standard)}
      />
    </>
  );
}
