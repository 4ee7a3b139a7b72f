import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";

import { db } from "../../db/client";
import { ErrorSummary, Notice, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { rolesOf } from "~/access/roles";
import type { FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { formErrors, WorkflowError } from "~/cases/errors";
import { archiveTemplate, markStandard, templatesFor, withdrawStandard, type TemplateRow } from "~/cases/templates.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * Templates and standard changes (decision 026): a requester starts a request from one; the
 * service centre marks a change template a standard change the CAB approved; the CAB (or the
 * service centre) withdraws it; its owner or the service centre removes a template.
 */
const place = PLACES.templates;

export const handle = titled(place.label);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  return { templates: await templatesFor(db(), user), me: { id: user.id, roles: rolesOf(user) } };
}

const INTENTS = ["standard", "withdraw", "archive"] as const;
type Intent = (typeof INTENTS)[number];
const isIntent = (value: unknown): value is Intent => INTENTS.includes(value as Intent);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  const id = parseId(form.get("id"));
  if (!isIntent(intent) || !id) throw new Response("Unknown intent", { status: 400 });
  const text = (name: string) => String(form.get(name) ?? "");
  try {
    if (intent === "standard") await markStandard(db(), user, id, { reference: text("reference") });
    if (intent === "withdraw") await withdrawStandard(db(), user, id, { reason: text("reason") });
    if (intent === "archive") await archiveTemplate(db(), user, id);
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    return data(
      {
        id,
        intent,
        values: { reference: text("reference"), reason: text("reason") },
        errors: formErrors(error, { fields: ["reference", "reason"], messages: { 404: "template.unknown" } }),
      },
      { status: error.status },
    );
  }
  return redirect(`${place.path}?notice=${intent}`);
}

type Failed = { id: number; intent: Intent; values: { reference: string; reason: string }; errors: FieldErrors } | undefined;

const NOTICES: Record<string, MessageKey> = {
  standard: "template.notice.standard",
  withdraw: "template.notice.withdrawn",
  archive: "template.notice.archived",
};
const CATEGORY: Record<TemplateRow["category"], MessageKey> = {
  emergency: "request.category.emergency",
  change: "request.category.change",
  "standing-access": "request.category.standing",
};

export default function Templates() {
  const { t } = useT();
  const { templates, me } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as Failed;
  const [searchParams] = useSearchParams();
  const notice = NOTICES[searchParams.get("notice") ?? ""];
  const standard = templates.filter((x) => x.isStandard);
  const others = templates.filter((x) => !x.isStandard);
  return (
    <>
      <h1>{t("template.title")}</h1>
      <p>{t(me.roles.includes("service-centre") ? "template.introServiceCentre" : me.roles.includes("requester") ? "template.intro" : "template.introCab")}</p>
      {notice && !failed ? <Notice>{t(notice)}</Notice> : null}
      <ErrorSummary errors={failed?.errors} />
      <TemplateList id="standard-changes" heading="template.standardHeading" list={standard} me={me} failed={failed} />
      <TemplateList
        id="templates"
        heading={me.roles.includes("requester") || me.roles.includes("service-centre") ? "template.othersHeading" : "template.withdrawnHeading"}
        list={others}
        me={me}
        failed={failed}
      />
    </>
  );
}

function TemplateList({
  id,
  heading,
  list,
  me,
  failed,
}: {
  id: string;
  heading: MessageKey;
  list: TemplateRow[];
  me: { id: number; roles: string[] };
  failed: Failed;
}) {
  const { t } = useT();
  return (
    <section id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {t(heading)} <span className="muted">({list.length})</span>
      </h2>
      {list.length === 0 ? (
        <p className="muted">{t(me.roles.includes("requester") && id === "templates" ? "template.empty" : "template.none")}</p>
      ) : (
        <ul className="cards template-cards">
          {list.map((x) => (
            <li key={x.id} className="card" id={`template-${x.id}`}>
              <TemplateCard template={x} failed={failed?.id === x.id ? failed : undefined} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TemplateCard({ template: x, failed }: { template: TemplateRow; failed: Failed }) {
  const { t, formatDate } = useT();
  const errorsFor = (intent: Intent) => (failed?.intent === intent ? failed.errors : undefined);
  const formError = failed?.errors._form;
  return (
    <>
      <h3>
        {x.name} {x.isStandard ? <span className="badge badge--ok">{t("template.standardBadge")}</span> : null}
      </h3>
      <p>
        {x.system.code} – {x.system.name} · {t(CATEGORY[x.category])} · {t("template.ownerIs", { name: x.owner })}
      </p>
      {x.standard ? (
        <p className="muted">{t("template.standardSince", { date: formatDate(x.standard.at), reference: x.standard.reference, name: x.standard.by })}</p>
      ) : null}
      {x.withdrawn ? (
        <p className="muted">{t("template.withdrawnSince", { date: formatDate(x.withdrawn.at), name: x.withdrawn.by, reason: x.withdrawn.reason })}</p>
      ) : null}
      {formError ? (
        <p className="field__error" role="alert">
          {t(formError)}
        </p>
      ) : null}
      <div className="button-row">
        {x.may.use ? (
          <Link to={`/cases/new?template=${x.id}`} className="button">
            {t("template.use")}
          </Link>
        ) : null}
      </div>
      {x.may.standard ? (
        <Folded intent="standard" id={x.id} title={t("template.markStandard")} open={Boolean(errorsFor("standard"))}>
          <TextField
            label={t("template.reference")}
            hint={t("template.referenceHint")}
            name="reference"
            maxLength={200}
            required
            defaultValue={failed?.values.reference}
            error={errorsFor("standard")?.reference}
          />
        </Folded>
      ) : null}
      {x.may.withdraw ? (
        <Folded intent="withdraw" id={x.id} title={t("template.withdraw")} open={Boolean(errorsFor("withdraw"))} danger>
          <TextArea
            label={t("template.withdrawReason")}
            name="reason"
            rows={2}
            maxLength={2000}
            required
            defaultValue={failed?.values.reason}
            error={errorsFor("withdraw")?.reason}
          />
        </Folded>
      ) : null}
      {x.may.archive ? (
        <Form method="post">
          <input type="hidden" name="intent" value="archive" />
          <input type="hidden" name="id" value={x.id} />
          <button type="submit" className="button button--secondary">
            {t("template.archive")}
          </button>
        </Form>
      ) : null}
    </>
  );
}

/** A step on a template behind its summary: opened when its form came back with errors. */
function Folded({
  intent,
  id,
  title,
  open,
  danger,
  children,
}: {
  intent: Intent;
  id: number;
  title: string;
  open: boolean;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <details open={open || undefined}>
      <summary>{title}</summary>
      <Form method="post" className="event-form" noValidate>
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="id" value={id} />
        {children}
        <button type="submit" className={`button ${danger ? "button--danger" : "button--secondary"}`}>
          {title}
        </button>
      </Form>
    </details>
  );
}
