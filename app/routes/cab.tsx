import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useOutlet, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import { WindowText } from "~/components/case-bits";
import { ErrorSummary, Notice, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type Lang, type MessageKey } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import type { FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import { titled } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import {
  activeRules,
  addMeeting,
  addRule,
  callExtraMeeting,
  changesAwaitingBoard,
  deactivateRule,
  recentMeetings,
  unscheduledChanges,
  upcomingWithCounts,
} from "~/cab/agenda.server";
import { WorkflowError } from "~/cases/errors";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { hasRole } from "~/access/roles";

/**
 * The change advisory board's place (/cab): the meetings ahead with the size of their agendas,
 * changes still waiting for a meeting, recent meetings (for their minutes) and — for the service
 * centre, who chairs the board — scheduling: one-off meetings and recurring ones.
 *
 * The meeting pages (`cab.meetings.$id`, `cab.meetings.$id_.minutes`) are this route's children
 * in the flat-route tree; they render alone in its outlet, and this loader then does no more
 * than the role check.
 */
const place = PLACES.cab;

/** Keys not yet in the dictionaries are cast until they are merged. */

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  if (params.id) return { overview: null };
  const now = new Date();
  const chair = hasRole(user, "service-centre");
  const [upcoming, recent, unscheduled, rules, awaiting] = await Promise.all([
    upcomingWithCounts(db(), now),
    recentMeetings(db(), now),
    unscheduledChanges(db()),
    chair ? activeRules(db()) : Promise.resolve([]),
    chair ? changesAwaitingBoard(db()) : Promise.resolve([]),
  ]);
  return {
    overview: {
      chair,
      awaiting,
      upcoming,
      recent,
      unscheduled,
      rules: rules.map((r) => ({ id: r.id, weekday: r.weekday, time: r.time, location: r.location, durationMinutes: r.durationMinutes })),
    },
  };
}

export const handle = titled(place.label);

const INTENTS = ["addMeeting", "extraMeeting", "addRule", "deactivateRule"] as const;
type Intent = (typeof INTENTS)[number];
const NOTICES: Record<string, MessageKey> = {
  addMeeting: "cab.notice.meetingAdded",
  extraMeeting: "cab.notice.extraCalled",
  addRule: "cab.notice.ruleAdded",
  deactivateRule: "cab.notice.ruleDeactivated",
};

type Values = Record<string, string>;
type ActionData = { intent: Intent; values: Values; errors: FieldErrors };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = String(form.get("intent") ?? "") as Intent;
  if (!INTENTS.includes(intent)) throw new Response("Unknown intent", { status: 400 });
  const value = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v.slice(0, 400) : "";
  };
  const values: Values = {
    date: value("date"),
    time: value("time"),
    location: value("location"),
    weekday: value("weekday"),
    number: value("number"),
    reason: value("reason"),
  };
  try {
    if (intent === "addMeeting") await addMeeting(db(), user, { date: values.date, time: values.time, location: values.location });
    if (intent === "extraMeeting") {
      const meeting = await callExtraMeeting(db(), user, {
        number: values.number,
        date: values.date,
        time: values.time,
        location: values.location,
        reason: values.reason,
      });
      return redirect(`/cab/meetings/${meeting.id}?notice=extraMeeting`);
    }
    if (intent === "addRule") await addRule(db(), user, { weekday: values.weekday, time: values.time, location: values.location });
    if (intent === "deactivateRule") {
      const id = parseId(value("rule"));
      if (!id) throw new Response("Unknown rule", { status: 400 });
      await deactivateRule(db(), user, id);
    }
  } catch (error) {
    if (!(error instanceof WorkflowError)) throw error;
    const errors: FieldErrors = error.fieldErrors && Object.keys(error.fieldErrors).length ? error.fieldErrors : { _form: { key: "case.action.forbidden" } };
    return data<ActionData>({ intent, values, errors }, { status: error.status });
  }
  return redirect(`${place.path}?notice=${intent}`);
}

/** A meeting's (or a rule's) date, time and place, as typed and with their errors: the same fields in each of the chair's forms. */
function WhenFields({ date = false, values, errors }: { date?: boolean; values: Values; errors: FieldErrors | undefined }) {
  const { t } = useT();
  return (
    <>
      {date ? <TextField label={t("cab.field.date")} name="date" type="date" required defaultValue={values.date} error={errors?.date} /> : null}
      <TextField label={t("cab.field.time")} hint={t("cab.field.timeHint")} name="time" type="time" required defaultValue={values.time} error={errors?.time} />
      <TextField label={t("cab.field.location")} name="location" optional maxLength={200} defaultValue={values.location} error={errors?.location} />
    </>
  );
}

/** A weekday's name (ISO 1 = Monday) in the page's language. */
function weekdayName(lang: Lang, weekday: number): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(lang === "sv" ? "sv-SE" : "en-GB", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, weekday)));
}

export default function CabRoute() {
  const outlet = useOutlet();
  return outlet ?? <Overview />;
}

type OverviewData = NonNullable<Awaited<ReturnType<typeof loader>>["overview"]>;

function Overview() {
  const { t, lang, formatDateTime } = useT();
  const { overview } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const noticeKey = NOTICES[searchParams.get("notice") ?? ""];
  if (!overview) return null;
  const { chair, awaiting, upcoming, recent, unscheduled, rules } = overview as OverviewData;
  const errorsFor = (intent: Intent) => (failed?.intent === intent ? failed.errors : undefined);
  const valuesFor = (intent: Intent) => (failed?.intent === intent ? failed.values : {});
  return (
    <>
      <h1>{t(place.label)}</h1>
      <p>{t(place.blurb)}</p>
      {noticeKey && !failed ? <Notice>{t(noticeKey)}</Notice> : null}
      <ErrorSummary errors={failed?.errors} />

      <section id="cab-upcoming" aria-labelledby="cab-upcoming-heading">
        <h2 id="cab-upcoming-heading">{t("cab.upcoming")}</h2>
        {upcoming.length ? (
          <div className="table-wrap">
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">{t("cab.meeting.when")}</th>
                  <th scope="col">{t("cab.meeting.location")}</th>
                  <th scope="col">{t("cab.meeting.items")}</th>
                  <th scope="col">{t("cab.meeting.lateItems")}</th>
                </tr>
              </thead>
              <tbody>
                {upcoming.map((m) => (
                  <tr key={m.id} id={`meeting-${m.id}`}>
                    <td data-label={t("cab.meeting.when")}>
                      <Link to={`/cab/meetings/${m.id}`}>{formatDateTime(m.startsAt)}</Link>
                      {m.extraReason !== null ? <span className="badge badge--attention"> {t("cab.extra.badge")}</span> : null}
                    </td>
                    <td data-label={t("cab.meeting.location")}>{m.location || "–"}</td>
                    <td data-label={t("cab.meeting.items")}>{m.items}</td>
                    <td data-label={t("cab.meeting.lateItems")}>{m.late ? <span className="badge badge--attention">{m.late}</span> : 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("cab.upcoming.none")}</p>
        )}
      </section>

      <section id="cab-unscheduled" aria-labelledby="cab-unscheduled-heading">
        <h2 id="cab-unscheduled-heading">
          {t("cab.unscheduled")} <span className="muted">({unscheduled.length})</span>
        </h2>
        {unscheduled.length ? (
          <ul>
            {unscheduled.map((c) => (
              <li key={c.number}>
                <Link to={`/cases/${c.number}`}>{c.number}</Link> {c.title} · {c.systemCode} · <WindowText window={c.window} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("cab.unscheduled.none")}</p>
        )}
      </section>

      {recent.length ? (
        <section id="cab-recent" aria-labelledby="cab-recent-heading">
          <h2 id="cab-recent-heading">{t("cab.recent")}</h2>
          <ul>
            {recent.map((m) => (
              <li key={m.id}>
                <Link to={`/cab/meetings/${m.id}`}>{formatDateTime(m.startsAt)}</Link>
                {m.location ? ` · ${m.location}` : ""} · {t("cab.meeting.pendingCount", { count: m.items })} ·{" "}
                <Link to={`/cab/meetings/${m.id}/minutes`}>{t("cab.minutes")}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {chair ? (
        <>
          <section id="cab-add-meeting" aria-labelledby="cab-add-meeting-heading">
            <h2 id="cab-add-meeting-heading">{t("cab.addMeeting")}</h2>
            <Form method="post" noValidate key={failed?.intent === "addMeeting" ? "failed" : "fresh"}>
              <FormError errors={errorsFor("addMeeting")} />
              <WhenFields date values={valuesFor("addMeeting")} errors={errorsFor("addMeeting")} />
              <button type="submit" name="intent" value="addMeeting" className="button">
                {t("cab.addMeeting.submit")}
              </button>
            </Form>
          </section>

          <section id="cab-extra-meeting" aria-labelledby="cab-extra-meeting-heading">
            <h2 id="cab-extra-meeting-heading">{t("cab.extra.title")}</h2>
            <p className="field__hint">{t("cab.extra.intro")}</p>
            {awaiting.length ? (
              <Form method="post" noValidate key={failed?.intent === "extraMeeting" ? "failed" : "fresh"}>
                <FormError errors={errorsFor("extraMeeting")} />
                <SelectField
                  label={t("cab.extra.change")}
                  name="number"
                  required
                  defaultValue={valuesFor("extraMeeting").number ?? ""}
                  error={errorsFor("extraMeeting")?.number}
                >
                  <option value="">{t("form.choose")}</option>
                  {awaiting.map((c) => (
                    <option key={c.number} value={c.number}>
                      {`${c.number} – ${c.title}`}
                    </option>
                  ))}
                </SelectField>
                <WhenFields date values={valuesFor("extraMeeting")} errors={errorsFor("extraMeeting")} />
                <TextArea
                  label={t("cab.extra.reason")}
                  name="reason"
                  rows={2}
                  required
                  defaultValue={valuesFor("extraMeeting").reason}
                  error={errorsFor("extraMeeting")?.reason}
                />
                <button type="submit" name="intent" value="extraMeeting" className="button">
                  {t("cab.extra.submit")}
                </button>
              </Form>
            ) : (
              <p className="muted">{t("cab.extra.none")}</p>
            )}
          </section>

          <section id="cab-rules" aria-labelledby="cab-rules-heading">
            <h2 id="cab-rules-heading">{t("cab.rules")}</h2>
            <FormError errors={errorsFor("deactivateRule")} />
            {rules.length ? (
              <ul>
                {rules.map((r) => {
                  const label = `${weekdayName(lang, r.weekday)} ${r.time}${r.location ? ` · ${r.location}` : ""}`;
                  return (
                    <li key={r.id}>
                      {t("cab.rule.every", { weekday: weekdayName(lang, r.weekday), time: r.time })}
                      {r.location ? ` · ${r.location}` : ""}{" "}
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="rule" value={r.id} />
                        <button type="submit" name="intent" value="deactivateRule" className="link-button">
                          {t("cab.rule.deactivate")}
                          <span className="visually-hidden"> {label}</span>
                        </button>
                      </Form>
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="muted">{t("cab.rules.none")}</p>
            )}
            <h3>{t("cab.addRule")}</h3>
            <Form method="post" noValidate key={failed?.intent === "addRule" ? "failed" : "fresh"}>
              <FormError errors={errorsFor("addRule")} />
              <SelectField
                label={t("cab.field.weekday")}
                name="weekday"
                required
                defaultValue={valuesFor("addRule").weekday ?? ""}
                error={errorsFor("addRule")?.weekday}
              >
                <option value="">{t("form.choose")}</option>
                {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                  <option key={d} value={d}>
                    {weekdayName(lang, d)}
                  </option>
                ))}
              </SelectField>
              <WhenFields values={valuesFor("addRule")} errors={errorsFor("addRule")} />
              <button type="submit" name="intent" value="addRule" className="button">
                {t("cab.addRule.submit")}
              </button>
            </Form>
          </section>
        </>
      ) : null}
    </>
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
