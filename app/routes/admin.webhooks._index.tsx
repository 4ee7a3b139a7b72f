import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { Checkbox, ErrorSummary, Notice, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { createSubscriber, listSubscribers } from "~/connectors/webhooks.server";
import { WEBHOOK_EVENTS } from "~/connectors/events";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { formObject, type FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";

/** The webhook subscribers, and a form to register one (app/connectors/webhooks.server.ts). */
export const handle = titled("webhooks.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return { subscribers: await listSubscribers(db()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin");
  const values = formObject(await readFormData(request, BODY_LIMITS.form), ["events"]);
  const result = await createSubscriber(db(), user, values);
  if (!result.ok) return data<{ values: Record<string, unknown>; errors: FieldErrors }>({ values, errors: result.fieldErrors }, { status: 422 });
  // The secret is shown once, on the subscriber's page, right after it was made.
  return redirect(`/admin/webhooks/${result.value.id}?created=1`);
}

export default function Webhooks() {
  const { t } = useT();
  const { subscribers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const values = actionData?.values ?? {};
  const events: unknown = values.events;
  const chosen = new Set(Array.isArray(events) ? events.map(String) : []);
  return (
    <>
      <h1>{t("webhooks.title")}</h1>
      <p className="lead">{t("webhooks.intro")}</p>
      {params.get("notice") === "deleted" ? <Notice>{t("webhooks.deleted")}</Notice> : null}
      {subscribers.length === 0 ? (
        <p className="muted">{t("webhooks.none")}</p>
      ) : (
        <ul className="cards">
          {subscribers.map((s) => (
            <li key={s.id} className="card" data-subscriber={s.id}>
              <h2>
                <Link to={`/admin/webhooks/${s.id}`}>{s.name}</Link>
              </h2>
              <p>{s.url}</p>
              <p>
                <span className={`badge${s.active ? " badge--ok" : ""}`}>{t(s.active ? "webhooks.active" : "webhooks.paused")}</span>{" "}
                <span className={s.failing ? "field__error" : "muted"}>{t("webhooks.queue", { pending: s.pending, failing: s.failing })}</span>
              </p>
              <p className="muted">{s.events.map((e) => t(`webhooks.event.${e as (typeof WEBHOOK_EVENTS)[number]}`)).join(", ")}</p>
            </li>
          ))}
        </ul>
      )}
      <h2>{t("webhooks.new")}</h2>
      <Form method="post" noValidate>
        <ErrorSummary errors={actionData?.errors} />
        <TextField label={t("webhooks.name")} name="name" defaultValue={String(values.name ?? "")} error={actionData?.errors.name} required />
        <TextField
          label={t("webhooks.url")}
          hint={t("webhooks.url.hint")}
          name="url"
          type="url"
          inputMode="url"
          defaultValue={String(values.url ?? "")}
          error={actionData?.errors.url}
          required
          spellCheck={false}
          autoCapitalize="none"
        />
        <fieldset aria-describedby={actionData?.errors.events ? "events-error" : undefined}>
          <legend>{t("webhooks.events")}</legend>
          {actionData?.errors.events ? (
            <p id="events-error" className="field__error">
              {t(actionData.errors.events)}
            </p>
          ) : null}
          {WEBHOOK_EVENTS.map((e) => (
            <Checkbox key={e} label={t(`webhooks.event.${e}`)} name="events" value={e} defaultChecked={chosen.has(e)} />
          ))}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button">
            {t("webhooks.create")}
          </button>
          <Link to="/admin">{t("form.cancel")}</Link>
        </div>
      </Form>
    </>
  );
}
