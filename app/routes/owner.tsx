import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { standingAccessOf } from "~/cases/standing-access.server";
import { StatusBadge } from "~/components/case-bits";
import { ErrorSummary, Notice, TextArea } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import type { FieldErrors } from "~/ui/forms";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { applyEvent } from "~/cases/commands.server";
import { formErrors, WorkflowError } from "~/cases/errors";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * The system owner's ("systemägare") page: standing access to the systems they own — requests
 * waiting for their consent, access up for the yearly review, active access (revocable) and the
 * latest that ended. Every decision is an event through the workflow service.
 */
const place = PLACES.owner;

/** Keys not yet in the dictionaries are cast until they are merged. */

type OwnerCase = Awaited<ReturnType<typeof standingAccessOf>>["awaiting"][number];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  return standingAccessOf(db(), user);
}

export const handle = titled(place.label);

/** Each form's intent, the workflow event it sends, and the notice shown after it. */
const INTENTS = {
  consent: { event: "CONSENT", notice: "consented", needsReason: false },
  refuse: { event: "REFUSE_CONSENT", notice: "refused", needsReason: true },
  review: { event: "REVIEW", notice: "reviewed", needsReason: false },
  revoke: { event: "REVOKE", notice: "revoked", needsReason: true },
} as const;
type Intent = keyof typeof INTENTS;

const NOTICES: Record<string, MessageKey> = {
  consented: "owner.notice.consented",
  refused: "owner.notice.refused",
  reviewed: "owner.notice.reviewed",
  revoked: "owner.notice.revoked",
};

const isIntent = (value: unknown): value is Intent => typeof value === "string" && Object.hasOwn(INTENTS, value);

/** What the form says when the refusal names no field. */
const MESSAGES = {
  403: "owner.error.forbidden",
  404: "owner.error.notFound",
  409: "owner.error.conflict",
  422: "owner.error.conflict",
  400: "owner.error.conflict",
} as const;

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = form.get("intent");
  const number = String(form.get("number") ?? "")
    .trim()
    .toUpperCase();
  if (!isIntent(intent) || !number || number.length > 40) throw new Response("Unknown intent", { status: 400 });
  const reason = String(form.get("reason") ?? "").trim();
  const { event, notice, needsReason } = INTENTS[intent];

  // The same message for refusing and revoking, at the field, before anything is sent.
  if (needsReason && !reason) {
    const errors: FieldErrors = { reason: { key: "case.reasonRequired" } };
    return data({ number, intent, reason, errors }, { status: 422 });
  }
  try {
    await applyEvent(db(), user, number, { type: event, ...(reason ? { reason } : {}) });
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    // The reason's problem is shown at its field; anything else is about the event as a whole.
    return data({ number, intent, reason, errors: formErrors(error, { fields: ["reason"], messages: MESSAGES }) }, { status: error.status });
  }
  return redirect(`${place.path}?${new URLSearchParams({ notice, case: number })}`);
}

type ActionData = { number: string; intent: Intent; reason: string; errors: FieldErrors } | undefined;

export default function OwnerPage() {
  const { t } = useT();
  const { awaiting, reviewDue, active, ended, endedShown } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as ActionData;
  const [searchParams] = useSearchParams();
  const noticeKey = NOTICES[searchParams.get("notice") ?? ""];
  const noticeCase = searchParams.get("case") ?? "";
  return (
    <>
      <h1>{t(place.label)}</h1>
      <p>{t(place.blurb)}</p>
      {noticeKey && !failed ? <Notice>{t(noticeKey, { number: noticeCase })}</Notice> : null}
      <ErrorSummary errors={failed?.errors} />

      <Section id="owner-awaiting" heading={"owner.awaiting"} cases={awaiting} failed={failed} />
      <Section id="owner-review-due" heading={"owner.reviewDue"} cases={reviewDue} failed={failed} />
      <Section id="owner-active" heading={"owner.active"} cases={active} failed={failed} />
      <Section id="owner-ended" heading={"owner.ended"} hint={t("owner.endedHint", { count: endedShown })} cases={ended} failed={failed} />
    </>
  );
}

function Section({ id, heading, hint, cases: list, failed }: { id: string; heading: MessageKey; hint?: string; cases: OwnerCase[]; failed: ActionData }) {
  const { t } = useT();
  return (
    <section id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {t(heading)} <span className="muted">({list.length})</span>
      </h2>
      {hint ? <p className="muted">{hint}</p> : null}
      {list.length === 0 ? (
        <p className="muted">{t("owner.none")}</p>
      ) : (
        <ul className="owner-cases" style={{ listStyle: "none", padding: 0 }}>
          {list.map((c) => (
            <li key={c.number}>
              <CaseCard c={c} failed={failed?.number === c.number ? failed : undefined} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CaseCard({ c, failed }: { c: OwnerCase; failed: ActionData }) {
  const { t, formatDate, formatDateTime } = useT();
  const errorsFor = (intent: Intent) => (failed?.intent === intent ? failed.errors : undefined);
  return (
    <article className="card" style={{ marginBottom: "1rem" }} aria-labelledby={`case-${c.number}`}>
      <h3 id={`case-${c.number}`}>
        <Link to={`/cases/${c.number}`}>{c.number}</Link> {c.title}
      </h3>
      <p>
        <StatusBadge status={c.status} />
      </p>
      <dl className="facts">
        <dt>{t("owner.system")}</dt>
        <dd>
          {c.system.name} ({c.system.code})
        </dd>
        <dt>{t("owner.supplier")}</dt>
        <dd>{c.supplier ?? "–"}</dd>
        <dt>{t("owner.requester")}</dt>
        <dd>{c.requester}</dd>
        <dt>{t("owner.agreement")}</dt>
        <dd>{c.agreementReference || "–"}</dd>
        <dt>{t("owner.justification")}</dt>
        <dd style={{ whiteSpace: "pre-line" }}>{c.justification || "–"}</dd>
        <dt>{t("owner.accounts")}</dt>
        <dd>{c.accounts.length ? c.accounts.join(", ") : "–"}</dd>
        {c.submittedAt ? (
          <>
            <dt>{t("owner.submitted")}</dt>
            <dd>{formatDateTime(c.submittedAt)}</dd>
          </>
        ) : null}
        {c.status === "active" && c.reviewDueOn ? (
          <>
            <dt>{t("owner.nextReview")}</dt>
            <dd>{formatDate(c.reviewDueOn)}</dd>
          </>
        ) : null}
        {c.status === "review-due" && c.reviewDueOn ? (
          <>
            <dt>{t("owner.reviewWasDue")}</dt>
            <dd>{formatDate(c.reviewDueOn)}</dd>
          </>
        ) : null}
        {c.status === "refused" || c.status === "revoked" || c.status === "cancelled" ? (
          <>
            <dt>{t("owner.endedAt")}</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </>
        ) : null}
      </dl>

      {c.status === "awaiting-consent" ? (
        <>
          <ActionForm c={c} intent="consent" label={"owner.consent"} errors={errorsFor("consent")} />
          <ActionForm
            c={c}
            intent="refuse"
            label={"owner.refuse"}
            reasonLabel={"owner.refuseReason"}
            danger
            errors={errorsFor("refuse")}
            reason={failed?.reason}
          />
        </>
      ) : null}
      {c.status === "review-due" ? <ActionForm c={c} intent="review" label={"owner.review"} errors={errorsFor("review")} /> : null}
      {c.status === "review-due" || c.status === "active" ? (
        <details open={Boolean(errorsFor("revoke"))}>
          <summary>{t("owner.revoke")}</summary>
          <ActionForm
            c={c}
            intent="revoke"
            label={"owner.revoke"}
            reasonLabel={"owner.revokeReason"}
            danger
            errors={errorsFor("revoke")}
            reason={failed?.reason}
          />
        </details>
      ) : null}
    </article>
  );
}

function ActionForm({
  c,
  intent,
  label,
  reasonLabel,
  danger,
  errors,
  reason,
}: {
  c: OwnerCase;
  intent: Intent;
  label: MessageKey;
  reasonLabel?: MessageKey;
  danger?: boolean;
  errors?: FieldErrors;
  reason?: string;
}) {
  const { t } = useT();
  const formMessage = errors?._form;
  return (
    <Form method="post" className="owner-action" noValidate>
      <input type="hidden" name="number" value={c.number} />
      {formMessage ? (
        <p className="field__error" role="alert">
          {t(formMessage)}
        </p>
      ) : null}
      {reasonLabel ? (
        <TextArea label={t(reasonLabel)} name="reason" rows={3} maxLength={4000} required defaultValue={errors ? reason : undefined} error={errors?.reason} />
      ) : null}
      <p>
        <button type="submit" name="intent" value={intent} className={danger ? "button button--danger" : "button"}>
          {t(label)}
          <span className="visually-hidden"> {c.number}</span>
        </button>
      </p>
    </Form>
  );
}
