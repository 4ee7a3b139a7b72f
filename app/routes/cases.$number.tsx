import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { AccountStepText, ClockText, ConflictList, PartyFacts, StatusBadge, WindowText } from "~/components/case-bits";
import { EventForm } from "~/components/event-forms";
import { Checkbox, Notice, SelectField, TextArea, TextField } from "~/components/forms";
import { ConnectorStatus } from "~/components/connector-status";
import { useT, type MessageKey } from "~/i18n";
import { isComment } from "~/access/redaction";
import { rolesOf } from "~/access/roles";
import { requireUser } from "~/access/guards.server";
import type { FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import type { PageHandle, RouteData } from "~/ui/meta";
import { isCaseStatus } from "../../machines/vocabulary";
import { isCabDecision } from "../../machines/rules";
import { isoToStockholmLocal, stockholmLocalToIso } from "../../machines/time";
import { applyEvent } from "~/cases/commands.server";
import { applyDisturbance, DISTURBANCE_ACTIONS, type DisturbanceAction } from "~/cases/disturbances.server";
import { casePage } from "~/cases/views.server";
import { addComment, takesPart } from "~/cases/comments.server";
import { addAttachment } from "~/cases/attachments.server";
import { saveTemplateFromCase, type StandardChange } from "~/cases/templates.server";
import { categoryOf } from "~/cases/form-category";
import { formErrors, WorkflowError } from "~/cases/errors";
import { NOTICE_TARGETS, sendNotice, type NoticeTarget } from "~/cases/review.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

export const handle: PageHandle<RouteData<typeof loader>> = {
  head: { title: (data, { t }) => t("case.pageTitle", { number: data?.view.number ?? "", title: data?.view.title ?? "" }) },
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = await casePage(db(), user, String(params.number).slice(0, 40)).catch(notFound);
  return { ...page, isRequester: page.view.requester.id === user.id, roles: rolesOf(user), takesPart: takesPart(user) };
}

/** A case outside the person's scope, or none at all: the same 404. */
const notFound = (error: unknown): never => {
  if (error instanceof WorkflowError) throw new Response("Not found", { status: 404 });
  throw error;
};

type Result = { event: string; errors: FieldErrors };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const number = String(params.number).slice(0, 40);
  // A file comes as multipart, with the room a file needs; every other form is small.
  const multipart = (request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data");
  const form = await readFormData(request, multipart ? BODY_LIMITS.attachment : BODY_LIMITS.form);
  const event = String(form.get("intent") ?? "");
  if (event === "comment" || event === "attach") {
    // The thread and the files (app/cases/comments.server.ts, attachments.server.ts).
    const shared = form.get("shared") === "true";
    try {
      if (event === "comment") await addComment(db(), user, number, { body: String(form.get("body") ?? ""), shared });
      else {
        const file = form.get("file");
        const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(0);
        await addAttachment(db(), user, number, { name: file instanceof File ? file.name : "", bytes, shared });
      }
    } catch (error) {
      if (error instanceof WorkflowError) return data<Result>({ event, errors: formErrors(error, { fields: ["body", "file"] }) }, { status: error.status });
      throw error;
    }
    return redirect(
      `/cases/${number}?notice=${event === "comment" ? "comment-saved" : "attachment-saved"}${event === "comment" ? "#timeline-heading" : "#files-heading"}`,
    );
  }
  if (event === "notice") {
    const target = form.get("target");
    if (!NOTICE_TARGETS.includes(target as NoticeTarget)) throw new Response("Unknown notice", { status: 400 });
    try {
      await sendNotice(db(), user, number, target as NoticeTarget, parseId(form.get("unitId")) ?? null, String(form.get("note") ?? ""));
    } catch (error) {
      if (error instanceof WorkflowError)
        return data<Result>(
          { event, errors: formErrors(error, { messages: { 403: "case.event.refused", 404: "case.event.refused", 409: "case.event.refused" } }) },
          { status: error.status },
        );
      throw error;
    }
    return redirect(`/cases/${number}?notice=${target === "operations" ? "FORWARDED_TO_OPERATIONS" : "INFORMED_UNIT"}`);
  }
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  };
  if (event === "template") {
    // Kept as a template: the case's texts under a name (app/cases/templates.server.ts).
    try {
      await saveTemplateFromCase(db(), user, number, String(form.get("name") ?? ""));
    } catch (error) {
      if (error instanceof WorkflowError)
        return data<Result>({ event, errors: formErrors(error, { fields: ["name"] }) }, { status: error.status === 404 ? 404 : error.status });
      throw error;
    }
    return redirect(`/cases/${number}?notice=template-saved`);
  }
  if (event === "disturbance") {
    const step = String(form.get("action") ?? "");
    if (!DISTURBANCE_ACTIONS.includes(step as DisturbanceAction)) throw new Response("Unknown step", { status: 400 });
    const resolvedAt = text("resolvedAt");
    try {
      await applyDisturbance(db(), user, number, {
        action: step as DisturbanceAction,
        text: text(step === "resolve" ? "closingText" : "publicText"),
        resolvedAt: resolvedAt ? (stockholmLocalToIso(resolvedAt) ?? resolvedAt) : undefined,
      });
    } catch (error) {
      if (error instanceof WorkflowError) return data<Result>({ event: `disturbance-${step}`, errors: formErrors(error) }, { status: error.status });
      throw error;
    }
    return redirect(
      `/cases/${number}?notice=${step === "publish" ? "DISTURBANCE_PUBLISHED" : step === "update" ? "DISTURBANCE_UPDATED" : "DISTURBANCE_RESOLVED"}`,
    );
  }
  const end = text("end");
  const start = text("start");
  // A proposed window is a start and an end; any other event's end is an extension's.
  const times =
    event === "PROPOSE_WINDOW"
      ? { window: { start: start ? (stockholmLocalToIso(start) ?? start) : "", end: end ? (stockholmLocalToIso(end) ?? end) : "" } }
      : end
        ? { end: stockholmLocalToIso(end) ?? end }
        : {};
  const body: Record<string, unknown> = {
    type: event,
    ...(text("reason") ? { reason: text("reason") } : {}),
    ...(text("conditions") ? { conditions: text("conditions") } : {}),
    ...(text("outcome") ? { outcome: text("outcome") } : {}),
    ...(text("comment") ? { comment: text("comment") } : {}),
    ...(text("until") ? { until: text("until") } : {}),
    ...times,
    ...(form.get("allowLongWindow") === "true" ? { allowLongWindow: true } : {}),
    ...(form.get("overrideFreeze") === "true" ? { overrideFreeze: true } : {}),
  };
  try {
    await applyEvent(db(), user, number, body);
  } catch (error) {
    if (error instanceof WorkflowError) return data<Result>({ event, errors: formErrors(error) }, { status: error.status });
    throw error;
  }
  return redirect(`/cases/${number}?notice=${encodeURIComponent(event)}`);
}

/** A length of time in hours and minutes ("3 h", "1 h 30 min"). */
function durationText(t: ReturnType<typeof useT>["t"], ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return (
    [hours ? t("duration.hours", { count: hours }) : "", rest ? t("duration.minutes", { count: rest }) : ""].filter(Boolean).join(" ") ||
    t("duration.minutes", { count: 0 })
  );
}

const DETAIL_LABELS: [string, MessageKey][] = [
  ["reason", "request.reason"],
  ["impactDescription", "request.impactDescription"],
  ["risk", "request.risk"],
  ["testPlan", "request.testPlan"],
  ["rollbackPlan", "request.rollbackPlan"],
  ["justification", "request.justification"],
  ["agreementReference", "request.agreementReference"],
  ["publicDescription", "request.publicDescription"],
];

export default function CasePage() {
  const { t, textOr, formatDate, formatDateTime } = useT();
  const { view, conflicts, extension, messages, isRequester, roles, units, needs, passOn, publishes, takesPart } = useLoaderData<typeof loader>();
  const requests = roles.includes("requester");
  const supplier = roles.includes("supplier");
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  const d = view.details as Record<string, unknown> & { externalReferences?: { ticket?: string; supplierTicket?: string } };
  const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as string[]) : []);
  const standardChange = d.standardChange as StandardChange | undefined;
  // The board's decisions are recorded on its meeting's page, in session: never here.
  const actions = view.allowedEvents.filter((e) => e !== "EDIT" && !isCabDecision(e));
  const canEdit = view.allowedEvents.includes("EDIT");
  return (
    <>
      <p>
        <Link to="/cases">{t("nav.cases")}</Link>
      </p>
      <h1>
        <span className="case-number">{view.number}</span> {view.title}
      </h1>
      {notice === "submitted" ? <Notice>{t("case.notice.submitted")}</Notice> : null}
      {notice === "draft-saved" ? <Notice>{t("case.notice.draftSaved")}</Notice> : null}
      {notice === "saved" ? <Notice>{t("form.saved")}</Notice> : null}
      {notice === "template-saved" ? (
        <Notice>
          {t("template.saved")} <Link to="/templates">{t("nav.templates")}</Link>
        </Notice>
      ) : null}
      {notice === "comment-saved" ? <Notice>{t("comment.saved")}</Notice> : null}
      {notice === "attachment-saved" ? <Notice>{t("attachment.saved")}</Notice> : null}
      {notice && !["submitted", "draft-saved", "saved", "template-saved", "comment-saved", "attachment-saved"].includes(notice) ? (
        <Notice>{t("case.notice.done", { what: textOr(`event.${notice}`, notice) })}</Notice>
      ) : null}

      <section aria-labelledby="status-heading" className="case-status">
        <h2 id="status-heading" className="visually-hidden">
          {t("case.status")}
        </h2>
        <p>
          <StatusBadge status={view.status} /> · {t(`type.${view.type}`)}
          {view.priority ? ` · ${t("request.priorityIs", { priority: view.priority })}` : null}
        </p>
        {standardChange ? <p id="standard-change">{t("case.standardChange", { name: standardChange.name, reference: standardChange.reference })}</p> : null}
        <p className="lead">{t(`case.explain.${view.status}`)}</p>
        {view.decision ? (
          <dl className="facts" id="case-decision">
            <dt>{t("case.decision")}</dt>
            <dd>
              {`${textOr(`event.${view.decision.event}`, view.decision.event)}, ${t("case.decision.by", { at: formatDateTime(view.decision.at), actor: view.decision.by })}`}
              {view.decision.reason ? <p className="prose">{view.decision.reason}</p> : null}
            </dd>
          </dl>
        ) : null}
      </section>

      {canEdit || (actions.length && takesPart) || requests ? (
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">{t("case.actions")}</h2>
          <div className="button-row">
            {canEdit ? (
              <Link to={`/cases/${view.number}/edit`} className="button button--secondary">
                {t("case.action.EDIT")}
              </Link>
            ) : null}
            {view.type === "emergency" && isRequester && view.status !== "draft" ? (
              <Link to={`/cases/new?type=change&from=${view.number}`} className="button button--secondary">
                {t("case.action.linkedChange")}
              </Link>
            ) : null}
            {requests ? (
              <Link to={`/cases/new?type=${categoryOf(view.type)}&copy=${view.number}`} className="button button--secondary">
                {t("template.copy")}
              </Link>
            ) : null}
          </div>
          {requests ? (
            <details className="template-save" open={result?.event === "template" || undefined}>
              <summary>{t("template.save")}</summary>
              <Form method="post" className="event-form">
                <input type="hidden" name="intent" value="template" />
                <p className="muted">{t("template.saveHelp")}</p>
                <TextField
                  label={t("template.name")}
                  name="name"
                  defaultValue={view.title}
                  error={result?.event === "template" ? result.errors.name : undefined}
                  required
                />
                {result?.event === "template" && result.errors._form ? (
                  <p className="field__error" role="alert">
                    {t(result.errors._form)}
                  </p>
                ) : null}
                <button type="submit" className="button button--secondary">
                  {t("template.save")}
                </button>
              </Form>
            </details>
          ) : null}
          <div className="event-forms">
            {actions.map((event) => (
              <EventForm
                key={event}
                event={event}
                needs={needs[event]!}
                conflicts={event === "APPROVE_EXTENSION" && extension ? extension.conflicts.length : conflicts.length}
                errors={result?.event === event ? result.errors : undefined}
                defaultEnd={event === "APPROVE_EXTENSION" && extension ? isoToStockholmLocal(extension.requestedEnd) : undefined}
              />
            ))}
          </div>
        </section>
      ) : null}

      {passOn ? (
        <section aria-labelledby="notice-heading">
          <h2 id="notice-heading">{t("review.passOn")}</h2>
          <p>{t("review.passOnIntro")}</p>
          <div className="event-forms">
            <Form method="post" className="event-form">
              <input type="hidden" name="intent" value="notice" />
              <input type="hidden" name="target" value="operations" />
              <h3>{t("review.forward")}</h3>
              <TextArea label={t("review.note")} name="note" rows={2} optional />
              <button type="submit" className="button button--secondary">
                {t("review.forward")}
              </button>
            </Form>
            <Form method="post" className="event-form">
              <input type="hidden" name="intent" value="notice" />
              <input type="hidden" name="target" value="digitalisation" />
              <h3>{t("review.inform")}</h3>
              <SelectField
                label={t("review.unit")}
                name="unitId"
                defaultValue={String(units.find((u) => u.name.toLowerCase().startsWith("digitalisering"))?.id ?? "")}
                error={result?.event === "notice" ? result.errors.unitId : undefined}
              >
                {units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </SelectField>
              <TextArea label={t("review.note")} name="note" rows={2} optional />
              <button type="submit" className="button button--secondary">
                {t("review.inform")}
              </button>
            </Form>
          </div>
        </section>
      ) : null}

      {publishes || view.disturbance ? (
        <DisturbanceSection publishes={publishes} errorsFor={(step) => (result?.event === `disturbance-${step}` ? result.errors : undefined)} />
      ) : null}

      <section aria-labelledby="facts-heading">
        <h2 id="facts-heading">{t("case.facts")}</h2>
        <dl className="facts">
          <PartyFacts system={view.system} supplier={view.supplier} requester={view.requester} />
          {view.type !== "standing-access" ? (
            <>
              <dt>{t("case.window")}</dt>
              <dd>
                <WindowText window={view.window} />
              </dd>
            </>
          ) : null}
          {extension ? (
            <>
              <dt>{t("case.extension")}</dt>
              <dd id="extension-asked">
                {t("case.extension.text", {
                  current: formatDateTime(extension.currentEnd),
                  requested: formatDateTime(extension.requestedEnd),
                  added: durationText(t, Date.parse(extension.requestedEnd) - Date.parse(extension.currentEnd)),
                })}
                <span className="prose"> {extension.reason}</span>
              </dd>
            </>
          ) : null}
          {view.freezeOverride ? (
            <>
              <dt>{t("case.freezeOverride")}</dt>
              <dd className="freeze-override">
                {t("case.freezeOverride.text", { by: view.freezeOverride.by, at: formatDateTime(view.freezeOverride.at) })}
                {view.freezeOverride.reason ? <span className="prose"> {view.freezeOverride.reason}</span> : null}
              </dd>
            </>
          ) : null}
          {view.accessWindow ? (
            <>
              <dt>{t("case.accessWindow")}</dt>
              <dd>
                {t(`window.status.${view.accessWindow.status}`)} · <WindowText window={view.accessWindow} />
                <ConnectorStatus state={view.accessWindow.connectors} />
              </dd>
            </>
          ) : null}
          {view.standing?.consentUntil ? (
            <>
              <dt>{t("case.consentUntil")}</dt>
              <dd>{formatDate(view.standing.consentUntil)}</dd>
            </>
          ) : null}
          {view.standing?.accountSteps.length ? (
            <>
              <dt>{t("case.accountSteps")}</dt>
              <dd>
                <ul className="plain" id="account-steps">
                  {view.standing.accountSteps.map((step) => (
                    <li key={`${step.kind}-${step.dueAt}`}>
                      <AccountStepText step={step} />
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
          {view.responseTarget ? (
            <>
              <dt>{t("case.responseTarget")}</dt>
              <dd>{t(view.responseTarget.key)}</dd>
            </>
          ) : null}
          {view.sla ? (
            <>
              <dt>{t("sla.heading")}</dt>
              <dd id="case-sla">
                <ClockText clock={view.sla.response} />
                <br />
                <ClockText clock={view.sla.resolution} />
              </dd>
            </>
          ) : null}
          {list("supplierPeople").length ? (
            <>
              <dt>{t("request.supplierPeople")}</dt>
              <dd>{list("supplierPeople").join(", ")}</dd>
            </>
          ) : null}
          {list("accounts").length ? (
            <>
              <dt>{t("request.accounts")}</dt>
              <dd>{list("accounts").join(", ")}</dd>
            </>
          ) : null}
          {list("affectedSystems").length ? (
            <>
              <dt>{t("request.affectedSystems")}</dt>
              <dd>{list("affectedSystems").join(", ")}</dd>
            </>
          ) : null}
          {d.externalReferences?.ticket ? (
            <>
              <dt>{t("request.ticket")}</dt>
              <dd>{d.externalReferences.ticket}</dd>
            </>
          ) : null}
          {d.externalReferences?.supplierTicket ? (
            <>
              <dt>{t("request.supplierTicket")}</dt>
              <dd>{d.externalReferences.supplierTicket}</dd>
            </>
          ) : null}
          {view.linkedCase ? (
            <>
              <dt>{t("case.linkedFrom")}</dt>
              <dd>
                <Link to={`/cases/${view.linkedCase}`}>{view.linkedCase}</Link>
              </dd>
            </>
          ) : null}
          {view.linkedChanges.length ? (
            <>
              <dt>{t("case.linkedChanges")}</dt>
              <dd>
                {view.linkedChanges.map((n) => (
                  <Link key={n} to={`/cases/${n}`} className="inline-link">
                    {n}
                  </Link>
                ))}
              </dd>
            </>
          ) : null}
        </dl>
        {view.description ? (
          <>
            <h3>{t("request.description")}</h3>
            <p className="prose">{view.description}</p>
          </>
        ) : null}
        {DETAIL_LABELS.filter(([key]) => typeof d[key] === "string" && d[key]).map(([key, label]) => (
          <div key={key}>
            <h3>{t(label)}</h3>
            <p className="prose">{String(d[key])}</p>
          </div>
        ))}
      </section>

      {extension && !supplier ? (
        <section aria-labelledby="extension-conflicts-heading">
          <h2 id="extension-conflicts-heading">{t("case.extension.conflicts")}</h2>
          <ConflictList conflicts={extension.conflicts} empty={t("case.extension.noConflicts")} />
        </section>
      ) : null}

      {view.type !== "standing-access" && !supplier ? (
        <section aria-labelledby="conflicts-heading">
          <h2 id="conflicts-heading">{t("case.conflicts")}</h2>
          <ConflictList conflicts={conflicts} />
        </section>
      ) : null}

      <Files errors={result?.event === "attach" ? result.errors : undefined} />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t("case.timeline")}</h2>
        <ol className="timeline">
          {view.audit.map((a, i) => (
            <li key={i} className={isComment(a) ? "timeline__comment" : undefined}>
              <time dateTime={a.at}>{formatDateTime(a.at)}</time> ·{" "}
              <strong>
                {a.actor === "system" ? t("case.theSystem") : a.onBehalfOf ? t("case.onBehalfOf", { actor: a.actor, person: a.onBehalfOf }) : a.actor}
              </strong>{" "}
              · {textOr(`event.${a.event}`, a.event)}
              {a.to && a.from !== a.to && isCaseStatus(a.to) ? <> → {t(`status.${a.to}`)}</> : null}
              {a.shared !== null && !supplier ? <Shared shared={a.shared} /> : null}
              {a.reason ? <p className="timeline__reason">{a.reason}</p> : null}
            </li>
          ))}
        </ol>
        {takesPart ? (
          <Form method="post" className="event-form" id="comment-form">
            <input type="hidden" name="intent" value="comment" />
            <h3>{t("comment.heading")}</h3>
            <TextArea label={t("comment.body")} name="body" rows={3} required error={result?.event === "comment" ? result.errors.body : undefined} />
            <ShareField />
            <button type="submit" className="button button--secondary">
              {t("comment.submit")}
            </button>
          </Form>
        ) : null}
      </section>

      {messages.length ? (
        <section aria-labelledby="messages-heading">
          <h2 id="messages-heading">{t("case.messages")}</h2>
          <div className="table-wrap">
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">{t("case.messageWhat")}</th>
                  <th scope="col">{t("case.messageTo")}</th>
                  <th scope="col">{t("case.messageWhen")}</th>
                  <th scope="col">{t("case.messageSent")}</th>
                </tr>
              </thead>
              <tbody>
                {messages.map((m, i) => (
                  <tr key={i}>
                    <td data-label={t("case.messageWhat")}>{textOr(`message.${m.template}`, m.template)}</td>
                    <td data-label={t("case.messageTo")}>{m.recipient}</td>
                    <td data-label={t("case.messageWhen")}>{formatDateTime(m.createdAt)}</td>
                    <td data-label={t("case.messageSent")}>{m.sentAt ? formatDateTime(m.sentAt) : t("case.messageQueued")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

/**
 * The incident's disturbance on the public status page: what the public reads (the text, its
 * updates, the resolution) and, for the service centre, the forms to publish, update and resolve.
 */
function DisturbanceSection({ publishes, errorsFor }: { publishes: boolean; errorsFor: (step: DisturbanceAction) => FieldErrors | undefined }) {
  const { t, formatDateTime } = useT();
  const { view } = useLoaderData<typeof loader>();
  const d = view.disturbance;
  const step = (action: DisturbanceAction, children: React.ReactNode) => (
    <Form method="post" className="event-form">
      <input type="hidden" name="intent" value="disturbance" />
      <input type="hidden" name="action" value={action} />
      <h3>{t(`disturbance.${action}`)}</h3>
      {children}
      <button type="submit" className="button button--secondary">
        {t(`disturbance.${action}`)}
      </button>
    </Form>
  );
  return (
    <section aria-labelledby="disturbance-heading" id="disturbance">
      <h2 id="disturbance-heading">{t("disturbance.heading")}</h2>
      {publishes ? <p>{t("disturbance.intro")}</p> : null}
      {d ? (
        <>
          <p>
            <span className={`badge ${d.resolvedAt ? "badge--muted" : "badge--danger"}`}>
              {t(d.resolvedAt ? "disturbance.resolved" : "disturbance.ongoing", { at: d.resolvedAt ?? "" })}
            </span>{" "}
            {t("disturbance.published", { at: formatDateTime(d.publishedAt) })}
          </p>
          <p className="prose" id="disturbance-text">
            {d.publicText}
          </p>
          {d.updates.length ? (
            <>
              <h3>{t("disturbance.updates")}</h3>
              <ol className="timeline" id="disturbance-updates">
                {d.updates.map((u, i) => (
                  <li key={i}>
                    <time dateTime={u.at}>{formatDateTime(u.at)}</time>
                    <p className="timeline__reason">{u.text}</p>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      ) : (
        <p className="muted">{t("disturbance.notPublished")}</p>
      )}
      {publishes && !d?.resolvedAt ? (
        <div className="event-forms">
          {!d
            ? step(
                "publish",
                <TextArea
                  label={t("disturbance.publicText")}
                  hint={t("disturbance.publicTextHint")}
                  name="publicText"
                  rows={3}
                  error={errorsFor("publish")?.publicText}
                />,
              )
            : null}
          {d
            ? step(
                "update",
                <TextArea
                  label={t("disturbance.updateText")}
                  hint={t("disturbance.publicTextHint")}
                  name="publicText"
                  rows={3}
                  error={errorsFor("update")?.publicText}
                />,
              )
            : null}
          {d
            ? step(
                "resolve",
                <>
                  <TextField
                    type="datetime-local"
                    label={t("disturbance.resolvedAt")}
                    hint={t("disturbance.resolvedAtHint")}
                    name="resolvedAt"
                    optional
                    error={errorsFor("resolve")?.resolvedAt}
                  />
                  <TextArea label={t("disturbance.resolveText")} name="closingText" rows={2} optional error={errorsFor("resolve")?.publicText} />
                </>,
              )
            : null}
        </div>
      ) : null}
    </section>
  );
}

/** Whether a comment or a file is the municipality's own or shared with the supplier. */
function Shared({ shared }: { shared: boolean }) {
  const { t } = useT();
  return <span className={`badge share-badge${shared ? "" : " badge--muted"}`}>{t(shared ? "share.shared" : "share.internal")}</span>;
}

/** The choice to share a comment or a file with the supplier; a supplier's own are always shared. */
function ShareField() {
  const { t } = useT();
  const { roles } = useLoaderData<typeof loader>();
  if (roles.includes("supplier")) return <p className="field__hint">{t("share.supplier")}</p>;
  return <Checkbox label={t("share.label")} hint={t("share.hint")} name="shared" value="true" />;
}

/** The case's files: each to download (in the trail), and the form to attach one. */
function Files({ errors }: { errors: FieldErrors | undefined }) {
  const { t, lang, formatDateTime } = useT();
  const { view, roles, takesPart } = useLoaderData<typeof loader>();
  const supplier = roles.includes("supplier");
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const size = (bytes: number) =>
    bytes < 1024 * 1024
      ? t("attachment.kilobytes", { size: number.format(Math.max(0.1, bytes / 1024)) })
      : t("attachment.megabytes", { size: number.format(bytes / 1024 / 1024) });
  return (
    <section aria-labelledby="files-heading">
      <h2 id="files-heading">{t("attachment.heading")}</h2>
      {view.attachments.length ? (
        <div className="table-wrap">
          <table className="stack" id="attachments">
            <thead>
              <tr>
                <th scope="col">{t("attachment.name")}</th>
                <th scope="col">{t("attachment.size")}</th>
                <th scope="col">{t("attachment.by")}</th>
                {!supplier ? <th scope="col">{t("attachment.visibility")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {view.attachments.map((f) => (
                <tr key={f.id}>
                  <td data-label={t("attachment.name")}>
                    <a href={`/cases/${view.number}/attachments/${f.id}`} download>
                      {f.name}
                    </a>
                  </td>
                  <td data-label={t("attachment.size")}>{size(f.size)}</td>
                  <td data-label={t("attachment.by")}>
                    {f.by}, <time dateTime={f.at}>{formatDateTime(f.at)}</time>
                  </td>
                  {!supplier ? (
                    <td data-label={t("attachment.visibility")}>
                      <Shared shared={f.shared} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t("attachment.none")}</p>
      )}
      {takesPart ? (
        <Form method="post" encType="multipart/form-data" className="event-form" id="attach-form">
          <input type="hidden" name="intent" value="attach" />
          <TextField type="file" label={t("attachment.file")} hint={t("attachment.fileHint")} name="file" required error={errors?.file} />
          <ShareField />
          {errors?._form ? (
            <p className="field__error" role="alert">
              {t(errors._form)}
            </p>
          ) : null}
          <button type="submit" className="button button--secondary">
            {t("attachment.submit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
