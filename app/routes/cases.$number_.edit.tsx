import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { RequestForm } from "~/components/request-form";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { fieldErrorsOf, type FieldErrors } from "~/ui/forms";
import type { PageHandle, RouteData } from "~/ui/meta";
import { isoToStockholmLocal } from "../../machines/time";
import { applyEvent, caseToEdit, editCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { WorkflowError } from "~/cases/errors";
import { requestFormContext, toFormErrors } from "~/cases/request-context.server";
import { categoryOf } from "~/cases/form-category";
import { requestFormSchema, toCaseInput, valuesFromCase, valuesFromForm, type RequestFormValues } from "~/cases/request-form";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle: PageHandle<RouteData<typeof loader>> = { head: { title: (data, { t }) => t("request.editTitle", { number: data?.number ?? "" }) } };

/** A refusal before the form is read: 404 outside the scope, else its own status. */
const asResponse = (error: unknown): never => {
  if (error instanceof WorkflowError)
    throw new Response(error.status === 404 ? "Not found" : error.error, { status: error.status === 404 ? 404 : error.status === 403 ? 403 : 409 });
  throw error;
};

/** Editing a draft or a returned case, then (optionally) submitting it. */
async function load(request: Request, number: string) {
  const user = await requireRole(request, "requester");
  const view = await getCaseView(db(), user, number.slice(0, 40)).catch(asResponse);
  if (!view.allowedEvents.includes("EDIT")) throw new Response("The case cannot be changed now", { status: 409 });
  return { user, view };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, view } = await load(request, String(params.number));
  const [context, editing] = await Promise.all([requestFormContext(db(), user), caseToEdit(db(), user, view.number)]);
  return {
    standard: editing.standard,
    number: view.number,
    status: view.status,
    category: categoryOf(view.type),
    values: valuesFromCase(view, isoToStockholmLocal),
    ...context,
  };
}

type Result = { errors: FieldErrors; values: RequestFormValues };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "requester");
  // Only what the action uses: the case's number and type (not its whole view).
  const view = await caseToEdit(db(), user, String(params.number).slice(0, 40)).catch(asResponse);
  const form = await readFormData(request, BODY_LIMITS.caseForm);
  const intent = form.get("intent") === "draft" ? "draft" : "submit";
  const category = categoryOf(view.type);
  const values = valuesFromForm(form);
  const { earliest } = await requestFormContext(db(), user);
  const checked = requestFormSchema(category, intent, earliest, view.standard).safeParse(values);
  if (!checked.success) return data<Result>({ errors: fieldErrorsOf(checked.error), values }, { status: 422 });
  try {
    // The changes are saved first, so a refused submission loses nothing.
    const input = toCaseInput(category, checked.data, "draft");
    await editCase(db(), user, view.number, input);
    if (intent === "submit") await applyEvent(db(), user, view.number, { type: "SUBMIT" });
  } catch (error) {
    if (error instanceof WorkflowError && (error.status === 422 || error.status === 409)) {
      return data<Result>(
        { errors: error.fieldErrors ? toFormErrors(error.fieldErrors) : { _form: { key: "case.event.refused" } }, values },
        { status: error.status },
      );
    }
    throw error;
  }
  return redirect(`/cases/${view.number}?notice=${intent === "submit" ? "submitted" : "saved"}`);
}

export default function EditRequest() {
  const { t } = useT();
  const loaderData = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to={`/cases/${loaderData.number}`}>{loaderData.number}</Link>
      </p>
      <h1>{t("request.editTitle", { number: loaderData.number })}</h1>
      {loaderData.standard ? <p className="notice">{t("request.isStandard")}</p> : null}
      <RequestForm
        category={loaderData.category}
        earliest={loaderData.earliest}
        systems={loaderData.systems}
        allSystems={loaderData.allSystems}
        suppliers={loaderData.suppliers}
        serviceCentrePhone={loaderData.serviceCentrePhone}
        defaultValues={result?.values ?? loaderData.values}
        serverErrors={result?.errors}
        allowDraft
        submitLabel={loaderData.status === "returned" ? t("request.resubmit") : t("request.submit")}
        caseNumber={loaderData.number}
        standard={loaderData.standard}
      />
    </>
  );
}
