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
import { ConsentUntilField } from "~/components/event-forms";

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
  consent: { event: "CONSENT", notice: "consented", needsReason: false, takesEnd: true },
  refuse: { event: "REFUSE_CONSENT", notice: "refused", needsReason: true, takesEnd: false },
  review: { event: "REVIEW", notice: "reviewed", needsReason: false, takesEnd: true },
  revoke: { event: "REVOKE", notice: "revoked", needsReason: true, takesEnd: false },
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
  const until = String(form.get("until") ?? "").trim();
  // `takesEnd`: the consent's last day (consenting, renewing at the review).
  const { event, notice, needsReason, takesEnd } = INTENTS[intent];

  // The same message for refusing and revoking, at the field, before anything is sent.
  if (needsReason && !reason) {
    const errors: FieldErrors = { reason: { key: "case.reasonRequired" } };
    return data({ number, intent, reason, until, errors }, { status: 422 });
  }
  try {
    await applyEvent(db(), user, number, {
      type: event,
      ...(reason ? { reason } : {}),
      ...(until && takesEnd ? { until } : {}),
    });
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    // The reason's problem is shown at its field; anything else is about the event as a whole.
    return data({ number, intent, reason, until, errors: formErrors(error, { fields: ["reason", "until"], messages: MESSAGES }) }, { status: error.status });
  }
  return redirect(`${place.path}?${new URLSearchParams({ notice, case: number })}`);
}

type ActionData = { number: string; intent: Intent; reason: string; until: string; errors: FieldErrors } | undefined;
type Dates = { latest: string; today: string };

export default function OwnerPage() {
  const { t } = useT();
  const { awaiting, reviewDue, active, ended, endedShown, latestConsentEnd, today } = useLoaderData<typeof loader>();
  const dates = { latest: latestConsentEnd, today };
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

      <Section dates={dates} id="owner-awaiting" heading={"owner.awaiting"} cases={awaiting} failed={failed} />
      <Section dates={dates} id="owner-review-due" heading={"owner.reviewDue"} cases={reviewDue} failed={failed} />
      <Section dates={dates} id="owner-active" heading={"owner.active"} cases={active} failed={failed} />
      <Section dates={dates} id="owner-ended" heading={"owner.ended"} hint={t("owner.endedHint", { count: endedShown })} cases={ended} failed={failed} />
    </>
  );
}

function Section({
  id,
  heading,
  hint,
  cases: list,
  failed,
  dates,
}: {
  id: string;
  heading: MessageKey;
  hint?: string;
  cases: OwnerCase[];
  failed: ActionData;
  dates: Dates;
}) {
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
              <CaseCard c={c} failed={failed?.number === c.number ? failed : undefined} dates={dates} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CaseCard({ c, failed, dates }: { c: OwnerCase; failed: ActionData; dates: Dates }) {
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
        <dt>{t("owner.people")}</dt>
        <dd>{c.supplierPeople.length ? c.supplierPeople.join("; ") : "–"}</dd>
        <dt>{t("owner.accounts")}</dt>
        <dd>{c.accounts.length ? c.accounts.join(", ") : "–"}</dd>
        <dt>{t("owner.dpa")}</dt>
        <dd>
          <DpaText c={c} dates={dates} />
        </dd>
        {c.consentUntil && c.status !== "awaiting-consent" ? (
          <>
            <dt>{t("owner.consentUntil")}</dt>
            <dd>{formatDate(c.consentUntil)}</dd>
          </>
        ) : null}
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
        {c.status === "refused" || c.status === "revoked" || c.status === "expired" || c.status === "cancelled" ? (
          <>
            <dt>{t("owner.endedAt")}</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </>
        ) : null}
      </dl>

      {c.status === "awaiting-consent" ? (
        <>
          <ActionForm c={c} intent="consent" label={"owner.consent"} errors={errorsFor("consent")} until={{ latest: dates.latest, value: failed?.until }} />
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
      {c.status === "review-due" ? (
        <ActionForm c={c} intent="review" label={"owner.review"} errors={errorsFor("review")} until={{ latest: dates.latest, value: failed?.until }} />
      ) : null}
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
  until,
}: {
  c: OwnerCase;
  intent: Intent;
  label: MessageKey;
  reasonLabel?: MessageKey;
  danger?: boolean;
  errors?: FieldErrors;
  reason?: string;
  /** The consent's last day (consenting, renewing at the review). */
  until?: { latest: string; value?: string };
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
      {until ? <ConsentUntilField latest={until.latest} value={errors ? until.value : undefined} error={errors?.until} /> : null}
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

/** The supplier's data-processing agreement, and whether it covers the consent. */
function DpaText({ c, dates }: { c: OwnerCase; dates: Dates }) {
  const { t, formatDate } = useT();
  if (!c.dpa) return <strong className="field__error">{t("owner.dpa.none")}</strong>;
  const reference = c.dpa.reference || "–";
  if (!c.dpa.expiresOn) return <>{reference}</>;
  if (c.dpa.expiresOn < dates.today)
    return <strong className="field__error">{t("owner.dpa.expired", { reference, date: formatDate(c.dpa.expiresOn) })}</strong>;
  const endsBefore = c.status === "awaiting-consent" && c.dpa.expiresOn < dates.latest;
  return (
    <>
      {t("owner.dpa.valid", { reference, date: formatDate(c.dpa.expiresOn) })}
      {endsBefore ? <div className="field__error">{t("owner.dpa.endsBefore")}</div> : null}
    </>
  );
}
