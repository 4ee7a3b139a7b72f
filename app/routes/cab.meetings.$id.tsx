import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { CAB_VOTES } from "../../machines/vocabulary";
import { db } from "../../db/client";
import { attendeeText } from "~/components/cab-bits";
import { ConflictList, PartyFacts, StatusBadge, WindowText } from "~/components/case-bits";
import { Checkbox, ErrorSummary, Notice, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import type { User } from "../../db/schema";
import type { FieldErrors } from "~/ui/forms";
import type { PageHandle, RouteData } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import { agendaOf, comment, laterMeetings, onAgenda, recordReview, vote, type AgendaItem, type MeetingView, type ReviewItem } from "~/cab/agenda.server";
import { adjustMinutes, closeMeeting, openMeeting, sessionOf } from "~/cab/session.server";
import { applyEvent } from "~/cases/commands.server";
import { formErrors, WorkflowError } from "~/cases/errors";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { hasRole, rolesOf } from "~/access/roles";

/**
 * A CAB meeting's agenda (/cab/meetings/:id): each advanced change with everything the board
 * decides on — content, risk, plans, affected systems, conflicts, the "late" flag — and the
 * members' votes and comments. Members (role cab) vote and comment, except on changes they
 * requested; the chair (the service centre) records the board's decision per change. Every
 * decision is a workflow event; the server checks everything again.
 */
const place = PLACES.cab;

/** Keys not yet in the dictionaries are cast until they are merged. */

function meetingIdOf(params: { id?: string }): number {
  const id = String(params.id ?? "");
  if (!/^\d{1,9}$/.test(id)) throw new Response("Not found", { status: 404 });
  return Number(id);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const agenda = await agendaOf(db(), meetingIdOf(params));
  if (!agenda) throw new Response("Not found", { status: 404 });
  const meetingId = agenda.meeting.id;
  const [later, session] = await Promise.all([
    hasRole(user, "service-centre") ? laterMeetings(db(), { startsAt: new Date(agenda.meeting.startsAt) }) : [],
    sessionOf(db(), meetingId, user),
  ]);
  return { ...agenda, later, session, me: { id: user.id, roles: rolesOf(user) } };
}

export const handle: PageHandle<RouteData<typeof loader>> = {
  head: { title: (data, { t, formatDate }) => t("cab.meeting.pageTitle", { date: data ? formatDate(data.meeting.startsAt) : "" }) },
};

/** Each form's intent and, for the chair's decisions, the workflow event it sends. */
const DECISIONS = {
  approve: "CAB_APPROVE",
  approveWithConditions: "CAB_APPROVE_WITH_CONDITIONS",
  defer: "CAB_DEFER",
  reject: "CAB_REJECT",
} as const;
type Decision = keyof typeof DECISIONS;
type Intent = Decision | "vote" | "comment" | "review";
const isDecision = (value: string): value is Decision => Object.hasOwn(DECISIONS, value);
const isIntent = (value: string): value is Intent => value === "vote" || value === "comment" || value === "review" || isDecision(value);

type Values = {
  reason: string;
  conditions: string;
  body: string;
  note: string;
  meetingId: string;
  vote: string;
  allowLongWindow: boolean;
  overrideFreeze: boolean;
};
type ActionData = { number: string; intent: Intent; values: Values; errors: FieldErrors };

/** A refusal without field errors, as one message for the form. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const meetingId = meetingIdOf(params);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = String(form.get("intent") ?? "");
  if (isSessionIntent(intent)) return sessionAction(user, meetingId, intent, form);
  const number = String(form.get("number") ?? "")
    .trim()
    .toUpperCase();
  if (!isIntent(intent) || !number || number.length > 40) throw new Response("Unknown intent", { status: 400 });
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const values: Values = {
    reason: text("reason"),
    conditions: text("conditions"),
    body: text("body"),
    note: text("note"),
    meetingId: text("meetingId"),
    vote: text("vote"),
    allowLongWindow: form.get("allowLongWindow") === "true",
    overrideFreeze: form.get("overrideFreeze") === "true",
  };
  try {
    if (intent === "vote") await vote(db(), user, meetingId, number, values.vote || undefined);
    else if (intent === "comment") await comment(db(), user, meetingId, number, values.body);
    else if (intent === "review") await recordReview(db(), user, meetingId, number, values.note);
    else {
      if (!hasRole(user, "service-centre")) throw new WorkflowError(403, "Only the chair records the board's decisions.");
      await onAgenda(db(), meetingId, number);
      const target = Number(values.meetingId);
      if (intent === "defer" && !(Number.isInteger(target) && target > 0)) {
        throw new WorkflowError(422, "Choose a later meeting.", { meetingId: { key: "validation.choose" } });
      }
      await applyEvent(db(), user, number, {
        type: DECISIONS[intent],
        ...(values.reason ? { reason: values.reason } : {}),
        ...(intent === "approveWithConditions" ? { conditions: values.conditions } : {}),
        ...(intent === "defer" ? { meetingId: target } : {}),
        ...((intent === "approve" || intent === "approveWithConditions") && values.allowLongWindow ? { allowLongWindow: true } : {}),
        ...((intent === "approve" || intent === "approveWithConditions") && values.overrideFreeze ? { overrideFreeze: true } : {}),
      });
    }
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    return data<ActionData>({ number, intent, values, errors: formErrors(error, { messages: { 404: "cab.error.notOnAgenda" } }) }, { status: error.status });
  }
  return redirect(`/cab/meetings/${meetingId}?${new URLSearchParams({ notice: intent, case: number })}`);
}

/** The meeting's own steps: the chair opens and closes it, a member present adjusts the minutes. */
const SESSION_INTENTS = ["open", "close", "adjust"] as const;
type SessionIntent = (typeof SESSION_INTENTS)[number];
const isSessionIntent = (value: string): value is SessionIntent => (SESSION_INTENTS as readonly string[]).includes(value);
type SessionFailed = { session: SessionIntent; errors: FieldErrors; members: string[]; substitutes: { name: string; forId: string }[] };
const SUBSTITUTE_FIELDS = 3;

async function sessionAction(user: User, meetingId: number, intent: SessionIntent, form: FormData) {
  const members = form.getAll("member").map(String);
  const substitutes = Array.from({ length: SUBSTITUTE_FIELDS }, (_, i) => ({
    name: String(form.get(`substitute-${i}`) ?? "").trim(),
    forId: String(form.get(`substituteFor-${i}`) ?? ""),
  }));
  try {
    if (intent === "open") {
      await openMeeting(db(), user, meetingId, {
        members: members.map(Number),
        substitutes: substitutes.filter((s) => s.name).map((s) => ({ name: s.name, ...(s.forId ? { forId: Number(s.forId) } : {}) })),
      });
    } else if (intent === "close") await closeMeeting(db(), user, meetingId);
    else await adjustMinutes(db(), user, meetingId);
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    return data<SessionFailed>(
      { session: intent, errors: formErrors(error, { fields: ["members", "substitutes"] }), members, substitutes },
      { status: error.status },
    );
  }
  return redirect(`/cab/meetings/${meetingId}?${new URLSearchParams({ notice: intent })}`);
}

const NOTICES: Record<string, MessageKey> = {
  open: "cab.session.notice.open",
  close: "cab.session.notice.close",
  adjust: "cab.session.notice.adjust",
  vote: "cab.notice.voted",
  comment: "cab.notice.commented",
  approve: "cab.notice.decided",
  approveWithConditions: "cab.notice.decided",
  defer: "cab.notice.deferred",
  extraMeeting: "cab.notice.extraCalled",
  review: "cab.review.saved",
  reject: "cab.notice.decided",
};

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = Loaded["items"][number];
type Later = Loaded["later"];

export default function MeetingPage() {
  const { t, formatDateTime } = useT();
  const { meeting, items, decided, reviews, later, me, session } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | SessionFailed | undefined;
  const failed = result && "number" in result ? result : undefined;
  const sessionFailed = result && "session" in result ? result : undefined;
  const [searchParams] = useSearchParams();
  const noticeKey = NOTICES[searchParams.get("notice") ?? ""];
  const noticeCase = searchParams.get("case") ?? "";
  return (
    <>
      <p>
        <Link to={place.path}>{t(place.label)}</Link>
      </p>
      <h1>{t("cab.meeting.title", { when: formatDateTime(meeting.startsAt) })}</h1>
      <MeetingFacts meeting={meeting} />
      <p>
        <Link to={`/cab/meetings/${meeting.id}/minutes`}>{t("cab.minutes.link")}</Link>
      </p>
      {noticeKey && !result ? <Notice>{t(noticeKey, { number: noticeCase })}</Notice> : null}
      <ErrorSummary errors={failed?.errors ?? sessionFailed?.errors} />
      <SessionPanel session={session} failed={sessionFailed} />

      <section id="cab-agenda" aria-labelledby="cab-agenda-heading">
        <h2 id="cab-agenda-heading">
          {t("cab.agenda")} <span className="muted">({items.length})</span>
        </h2>
        {items.length ? (
          <ol className="cab-agenda" style={{ listStyle: "none", padding: 0 }}>
            {items.map((item) => (
              <li key={item.number}>
                <AgendaCard
                  item={item}
                  me={me}
                  mayDecide={session.mayDecide}
                  later={later}
                  failed={failed?.number === item.number ? failed : undefined}
                  open={items.length === 1 || failed?.number === item.number || noticeCase === item.number}
                />
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("cab.agenda.none")}</p>
        )}
      </section>

      <section id="cab-reviews" aria-labelledby="cab-reviews-heading">
        <h2 id="cab-reviews-heading">
          {t("cab.review.title")} <span className="muted">({reviews.length})</span>
        </h2>
        <p className="field__hint">{t("cab.review.intro")}</p>
        {reviews.length ? (
          <ul className="cab-reviews">
            {reviews.map((r) => (
              <li key={r.number}>
                <ReviewCard review={r} mayRecord={session.mayDecide} failed={failed?.intent === "review" && failed.number === r.number ? failed : undefined} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("cab.review.none")}</p>
        )}
      </section>

      {decided.length ? (
        <section id="cab-decided" aria-labelledby="cab-decided-heading">
          <h2 id="cab-decided-heading">{t("cab.decided")}</h2>
          <ul>
            {decided.map((d) => (
              <li key={d.auditId}>
                <Link to={`/cases/${d.number}`}>{d.number}</Link> {d.title} · {t(`event.${d.event}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** An implemented change the board follows up: its outcome, the reporter's comment, and the board's note (the chair records it in session). */
function ReviewCard({ review, mayRecord, failed }: { review: ReviewItem; mayRecord: boolean; failed?: ActionData }) {
  const { t, formatDateTime } = useT();
  const bad = review.outcome !== "successful" && review.outcome !== "resolved";
  return (
    <article className="card" id={`review-${review.number}`} aria-labelledby={`review-${review.number}-heading`}>
      <h3 id={`review-${review.number}-heading`}>
        <Link to={`/cases/${review.number}`}>{review.number}</Link> {review.title}
      </h3>
      <p>
        {review.system.code} · <span className={`badge ${bad ? "badge--attention" : "badge--ok"}`}>{t(`outcome.${review.outcome as "successful"}`)}</span> ·{" "}
        {t("cab.review.reported", { at: formatDateTime(review.reportedAt), by: review.reportedBy ?? "–" })}
      </p>
      {review.comment ? <p className="prose">{review.comment}</p> : null}
      {review.note ? (
        <p className="prose">
          <strong>{t("cab.review.note")}:</strong> {review.note.text} <span className="muted">({review.note.by ?? "–"})</span>
        </p>
      ) : null}
      {mayRecord ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="review" />
          <input type="hidden" name="number" value={review.number} />
          <TextArea
            label={t("cab.review.note")}
            name="note"
            rows={2}
            required
            defaultValue={failed?.values.note ?? review.note?.text ?? ""}
            error={failed?.errors.note}
          />
          <button type="submit" className="button button--secondary">
            {t("cab.review.save")}
          </button>
        </Form>
      ) : null}
    </article>
  );
}

function MeetingFacts({ meeting }: { meeting: MeetingView }) {
  const { t, formatDateTime } = useT();
  const end = new Date(Date.parse(meeting.startsAt) + meeting.durationMinutes * 60_000).toISOString();
  return (
    <dl className="facts">
      <dt>{t("cab.meeting.when")}</dt>
      <dd>
        {formatDateTime(meeting.startsAt)} – {formatDateTime(end)}
      </dd>
      <dt>{t("cab.meeting.location")}</dt>
      <dd>{meeting.location || "–"}</dd>
      <dt>{t("cab.meeting.status")}</dt>
      <dd>{t(`cab.meetingStatus.${meeting.status}`)}</dd>
      {meeting.extraReason !== null ? (
        <>
          <dt>{t("cab.extra.badge")}</dt>
          <dd className="prose">{meeting.extraReason}</dd>
        </>
      ) : null}
    </dl>
  );
}

/**
 * One item of the agenda, folded to a summary line (system, window, conflicts, votes) so a meeting
 * reads as a list; it opens to the whole case and the forms. Open from the start when it is the only
 * item, or the one just acted on.
 */
function AgendaCard({
  item,
  me,
  mayDecide,
  later,
  failed,
  open,
}: {
  item: Item;
  me: Loaded["me"];
  mayDecide: boolean;
  later: Later;
  failed?: ActionData;
  open: boolean;
}) {
  const { t, formatDateTime } = useT();
  const own = item.requester.id === me.id;
  const errorsFor = (intent: Intent) => (failed?.intent === intent ? failed.errors : undefined);
  const d = item.details;
  const texts: [string, MessageKey][] = [
    [item.description, "request.description"],
    [d.reason, "request.reason"],
    [d.impactDescription, "request.impactDescription"],
    [d.risk, "request.risk"],
    [d.testPlan, "request.testPlan"],
    [d.rollbackPlan, "request.rollbackPlan"],
  ];
  const mine = item.votes.members.find((m) => m.userId === me.id)?.vote;
  return (
    <article className="card cab-item" id={`item-${item.number}`} aria-labelledby={`case-${item.number}`}>
      <details open={open}>
        <summary>
          <h3 id={`case-${item.number}`}>
            {item.number} {item.title}
          </h3>
          <span className="cab-item__line">
            <StatusBadge status={item.status} />
            {item.late ? (
              <>
                {" "}
                <span className="badge badge--attention">{t("cab.late")}</span>
              </>
            ) : null}{" "}
            {item.system.code} · <WindowText window={item.window} /> ·{" "}
            {item.conflicts.length ? (
              <strong className="conflict-count">⚠ {t("cab.item.conflicts", { count: item.conflicts.length })}</strong>
            ) : (
              t("cab.item.noConflicts")
            )}{" "}
            · {t("cab.item.votes", item.votes.counts)}
          </span>
        </summary>
        <p>
          <Link to={`/cases/${item.number}`}>{t("cab.item.openCase", { number: item.number })}</Link>
        </p>
        {item.late ? <p className="muted">{t("cab.late.explain")}</p> : null}
        <dl className="facts">
          <PartyFacts system={item.system} supplier={item.supplier} requester={item.requester} />
          <dt>{t("case.window")}</dt>
          <dd>
            <WindowText window={item.window} />
          </dd>
          {item.referredAt ? (
            <>
              <dt>{t("cab.referredAt")}</dt>
              <dd>{formatDateTime(item.referredAt)}</dd>
            </>
          ) : null}
          <dt>{t("request.affectedSystems")}</dt>
          <dd>{d.affectedSystems.length ? d.affectedSystems.join(", ") : "–"}</dd>
          {d.accounts.length ? (
            <>
              <dt>{t("request.accounts")}</dt>
              <dd>{d.accounts.join(", ")}</dd>
            </>
          ) : null}
          {d.supplierPeople.length ? (
            <>
              <dt>{t("request.supplierPeople")}</dt>
              <dd>{d.supplierPeople.join(", ")}</dd>
            </>
          ) : null}
        </dl>
        {texts
          .filter(([text]) => text)
          .map(([text, label]) => (
            <div key={label}>
              <h4>{t(label)}</h4>
              <p className="prose">{text}</p>
            </div>
          ))}

        <h4>{t("case.conflicts")}</h4>
        <ConflictList conflicts={item.conflicts} />

        <h4>{t("cab.votes")}</h4>
        <VoteCounts votes={item.votes} />
        {item.votes.members.length ? (
          <ul>
            {item.votes.members.map((m) => (
              <li key={m.userId}>{`${m.name}: ${t(`cab.vote.${m.vote}`)}${m.advance ? ` (${t("cab.vote.advance")})` : ""}`}</li>
            ))}
          </ul>
        ) : null}

        <h4>{t("cab.comments")}</h4>
        {item.comments.length ? (
          <ul className="timeline">
            {item.comments.map((c) => (
              <li key={c.id}>
                <strong>{c.author.name}</strong> · <time dateTime={c.at}>{formatDateTime(c.at)}</time>
                <p className="timeline__reason prose">{c.body}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("cab.comments.none")}</p>
        )}

        {own && (me.roles.includes("cab") || me.roles.includes("service-centre")) ? <p className="muted">{t("cab.ownChange")}</p> : null}
        <div className="event-forms">
          {me.roles.includes("cab") && !own ? <VoteForm item={item} mine={mine} errors={errorsFor("vote")} /> : null}
          {!own ? <CommentForm item={item} errors={errorsFor("comment")} values={failed?.intent === "comment" ? failed.values : undefined} /> : null}
        </div>
        {me.roles.includes("service-centre") && !own && !mayDecide ? (
          <>
            <h4>{t("cab.decide")}</h4>
            <FormError errors={failed && isDecision(failed.intent) ? failed.errors : undefined} />
            <p className="muted">{t("cab.session.decideInSession")}</p>
          </>
        ) : null}
        {me.roles.includes("service-centre") && !own && mayDecide ? (
          <>
            <h4>{t("cab.decide")}</h4>
            <div className="event-forms">
              {(["approve", "approveWithConditions", "defer", "reject"] as const).map((intent) => (
                <DecisionForm
                  key={intent}
                  item={item}
                  intent={intent}
                  later={later}
                  errors={errorsFor(intent)}
                  values={failed?.intent === intent ? failed.values : undefined}
                />
              ))}
            </div>
          </>
        ) : null}
      </details>
    </article>
  );
}

function VoteCounts({ votes }: { votes: AgendaItem["votes"] }) {
  const { t } = useT();
  return (
    <p>
      {CAB_VOTES.map((v, i) => (
        <span key={v}>
          {i ? " · " : ""}
          {t(`cab.vote.${v}`)}: {votes.counts[v]}
        </span>
      ))}
    </p>
  );
}

function FormError({ errors }: { errors?: FieldErrors }) {
  const { t } = useT();
  if (!errors?._form) return null;
  return (
    <p className="field__error" role="alert">
      {t(errors._form)}
    </p>
  );
}

function useBusy(number: string, intent: Intent) {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent && navigation.formData?.get("number") === number;
}

function VoteForm({ item, mine, errors }: { item: Item; mine?: string; errors?: FieldErrors }) {
  const { t } = useT();
  const busy = useBusy(item.number, "vote");
  const errorId = `vote-error-${item.number}`;
  return (
    <Form method="post" className="event-form" noValidate key={`${item.number}-${mine ?? "none"}`}>
      <input type="hidden" name="number" value={item.number} />
      <FormError errors={errors} />
      <fieldset
        className={`radio-group${errors?.vote ? " field--invalid" : ""}`}
        role="radiogroup"
        aria-invalid={errors?.vote ? true : undefined}
        aria-describedby={errors?.vote ? errorId : undefined}
      >
        <legend>
          {t("cab.vote.legend")}
          <span className="visually-hidden"> {item.number}</span>
        </legend>
        {errors?.vote ? (
          <p id={errorId} className="field__error">
            {t(errors.vote)}
          </p>
        ) : null}
        {CAB_VOTES.map((v) => (
          <label key={v}>
            <input type="radio" name="vote" value={v} defaultChecked={mine === v} /> {t(`cab.vote.${v}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" name="intent" value="vote" className="button" disabled={busy}>
        {t("cab.vote.submit")}
        <span className="visually-hidden"> {item.number}</span>
      </button>
    </Form>
  );
}

function CommentForm({ item, errors, values }: { item: Item; errors?: FieldErrors; values?: Values }) {
  const { t } = useT();
  const busy = useBusy(item.number, "comment");
  return (
    <Form method="post" className="event-form" noValidate key={errors ? "failed" : `fresh-${item.comments.length}`}>
      <input type="hidden" name="number" value={item.number} />
      <FormError errors={errors} />
      <TextArea label={t("cab.comment.label")} name="body" rows={3} maxLength={4000} required defaultValue={values?.body} error={errors?.body} />
      <button type="submit" name="intent" value="comment" className="button button--secondary" disabled={busy}>
        {t("cab.comment.submit")}
        <span className="visually-hidden"> {item.number}</span>
      </button>
    </Form>
  );
}

function DecisionForm({ item, intent, later, errors, values }: { item: Item; intent: Decision; later: Later; errors?: FieldErrors; values?: Values }) {
  const { t, formatDateTime } = useT();
  const busy = useBusy(item.number, intent);
  const event = DECISIONS[intent];
  const needs = item.needs[event];
  const reasonRequired = needs.reason === "required";
  const reasonLabel = needs.conflictReason ? t("case.action.conflictReason", { count: item.conflicts.length }) : t("case.action.reason");
  return (
    <Form method="post" className="event-form" noValidate>
      <input type="hidden" name="number" value={item.number} />
      <h5 style={{ margin: "0 0 0.5rem", fontSize: "1rem" }}>{t(`case.action.${event}`)}</h5>
      <FormError errors={errors} />
      {intent === "approveWithConditions" ? (
        <TextArea
          label={t("case.action.conditions")}
          name="conditions"
          rows={2}
          maxLength={4000}
          required
          defaultValue={values?.conditions}
          error={errors?.conditions}
        />
      ) : null}
      {intent === "defer" ? (
        later.length ? (
          <SelectField label={t("cab.deferTo")} name="meetingId" required defaultValue={values?.meetingId || String(later[0]!.id)} error={errors?.meetingId}>
            {later.map((m) => (
              <option key={m.id} value={m.id}>
                {formatDateTime(m.startsAt)}
                {m.location ? ` · ${m.location}` : ""}
              </option>
            ))}
          </SelectField>
        ) : (
          <p className="muted">{t("cab.noLaterMeeting")}</p>
        )
      ) : null}
      {needs.freezeOverride ? (
        <Checkbox
          label={t("case.action.overrideFreeze")}
          name="overrideFreeze"
          value="true"
          defaultChecked={values?.overrideFreeze}
          error={errors?.overrideFreeze}
        />
      ) : null}
      {needs.allowLongWindow ? (
        <Checkbox
          label={t("case.action.allowLongWindow")}
          name="allowLongWindow"
          value="true"
          defaultChecked={values?.allowLongWindow}
          error={errors?.allowLongWindow}
        />
      ) : null}
      <TextArea
        label={reasonLabel}
        name="reason"
        rows={2}
        maxLength={4000}
        optional={!reasonRequired}
        required={reasonRequired}
        defaultValue={values?.reason}
        error={errors?.reason}
      />
      <button
        type="submit"
        name="intent"
        value={intent}
        className={`button${intent === "reject" ? " button--danger" : ""}`}
        disabled={busy || (intent === "defer" && !later.length)}
      >
        {t(`case.action.${event}`)}
        <span className="visually-hidden"> {item.number}</span>
      </button>
    </Form>
  );
}

type Session = Loaded["session"];

/**
 * The meeting held: who chairs it and who is present, and the step that comes next — the chair
 * opens it (marking who is present; the quorum is checked) and closes it; then a member who was
 * present, not the chair, adjusts the minutes, which locks them.
 */
function SessionPanel({ session, failed }: { session: Session; failed?: SessionFailed }) {
  const { t, formatDateTime } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && isSessionIntent(String(navigation.formData?.get("intent") ?? ""));
  const errors = failed?.errors;
  return (
    <section id="cab-session" aria-labelledby="cab-session-heading" className="card">
      <h2 id="cab-session-heading">{t("cab.session.heading")}</h2>
      {session.chair ? (
        <p>
          {t("cab.session.chair", { name: session.chair })}
          {session.openedAt ? ` · ${t("cab.session.openedAt", { at: formatDateTime(session.openedAt) })}` : ""}
          {session.closedAt ? ` · ${t("cab.session.closedAt", { at: formatDateTime(session.closedAt) })}` : ""}
        </p>
      ) : (
        <p className="muted">{t("cab.session.notOpened", { count: session.quorum })}</p>
      )}
      {session.attendance.length ? (
        <>
          <h3>{t("cab.session.present")}</h3>
          <ul>
            {session.attendance.map((a, i) => (
              <li key={`${a.name}-${i}`}>{attendeeText(t, a)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {session.adjustedAt ? <p>{t("cab.session.adjusted", { name: session.adjustedBy ?? "", at: formatDateTime(session.adjustedAt) })}</p> : null}

      {session.mayOpen ? (
        <Form method="post" className="event-form" noValidate>
          <FormError errors={errors?._form ? errors : undefined} />
          <fieldset
            className={`checkbox-grid${errors?.members ? " field--invalid" : ""}`}
            aria-invalid={errors?.members ? true : undefined}
            aria-describedby={errors?.members ? "members-error" : undefined}
          >
            <legend>{t("cab.session.membersPresent")}</legend>
            {errors?.members ? (
              <p id="members-error" className="field__error">
                {t(errors.members)}
              </p>
            ) : null}
            {session.members.map((m) => (
              <label key={m.id}>
                <input type="checkbox" name="member" value={m.id} defaultChecked={failed?.members.includes(String(m.id))} /> {m.name}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("cab.session.substitutes")}</legend>
            {Array.from({ length: SUBSTITUTE_FIELDS }, (_, i) => (
              <div key={i} className="substitute-row">
                <TextField
                  label={t("cab.session.substituteName", { n: i + 1 })}
                  name={`substitute-${i}`}
                  optional
                  maxLength={200}
                  defaultValue={failed?.substitutes[i]?.name}
                />
                <SelectField
                  label={t("cab.session.substituteForLabel", { n: i + 1 })}
                  name={`substituteFor-${i}`}
                  optional
                  defaultValue={failed?.substitutes[i]?.forId ?? ""}
                >
                  <option value="">–</option>
                  {session.members.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </SelectField>
              </div>
            ))}
          </fieldset>
          <button type="submit" name="intent" value="open" className="button" disabled={busy}>
            {t("cab.session.open")}
          </button>
        </Form>
      ) : null}
      {session.mayClose ? (
        <Form method="post" className="event-form">
          <FormError errors={failed?.session === "close" ? errors : undefined} />
          <button type="submit" name="intent" value="close" className="button button--secondary" disabled={busy}>
            {t("cab.session.close")}
          </button>
        </Form>
      ) : null}
      {session.mayAdjust ? (
        <Form method="post" className="event-form">
          <FormError errors={failed?.session === "adjust" ? errors : undefined} />
          <p>{t("cab.session.adjustExplain")}</p>
          <button type="submit" name="intent" value="adjust" className="button" disabled={busy}>
            {t("cab.session.adjust")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
