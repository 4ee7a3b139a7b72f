import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { boardQuorum, setBoardQuorum } from "~/cab/session.server";
import { ErrorSummary, Notice, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { clientIp, requireRole } from "~/access/guards.server";
import { formErrors, WorkflowError } from "~/cases/errors";
import type { FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { CAB_QUORUM_RANGE } from "../../machines/rules";

/**
 * The change advisory board's standing rules, kept by the administrator: its quorum (members
 * present besides the chair). A meeting is opened, and each decision recorded, only with it; a
 * meeting keeps the quorum it opened under.
 */
export const handle = titled("admin.cab.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return { quorum: await boardQuorum(db()), range: CAB_QUORUM_RANGE };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin");
  const form = await readFormData(request, BODY_LIMITS.form);
  const typed = String(form.get("quorum") ?? "");
  try {
    await setBoardQuorum(db(), user, typed.trim() === "" ? undefined : typed, clientIp(context));
  } catch (error) {
    if (error instanceof WorkflowError) return data<{ errors: FieldErrors; typed: string }>({ errors: formErrors(error), typed }, { status: error.status });
    throw error;
  }
  return redirect("/admin/cab?notice=saved");
}

export default function CabSettings() {
  const { t } = useT();
  const { quorum, range } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  return (
    <>
      <h1>{t("admin.cab.title")}</h1>
      <p className="lead">{t("admin.cab.intro")}</p>
      {searchParams.get("notice") === "saved" ? <Notice>{t("form.saved")}</Notice> : null}
      <ErrorSummary errors={result?.errors} />
      <Form method="post" noValidate>
        <TextField
          label={t("admin.cab.quorum")}
          hint={t("admin.cab.quorumHint", { min: range.min, max: range.max })}
          name="quorum"
          type="number"
          inputMode="numeric"
          min={range.min}
          max={range.max}
          defaultValue={result?.typed ?? String(quorum)}
          error={result?.errors.quorum}
          required
        />
        <button type="submit" className="button">
          {t("form.save")}
        </button>
      </Form>
    </>
  );
}
