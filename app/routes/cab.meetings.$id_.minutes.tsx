import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { attendeeText } from "~/components/cab-bits";
import { WindowText } from "~/components/case-bits";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import type { PageHandle, RouteData } from "~/ui/meta";
import { PLACES } from "~/ui/places";
import type { VoteSummary } from "~/cab/agenda.server";
import { minutesOf } from "~/cab/minutes.server";

/**
 * A CAB meeting's minutes (/cab/meetings/:id/minutes), made to be printed: the meeting, each
 * decision taken at it (approval, conditions, deferral with its new meeting, rejection, and a
 * change returned or withdrawn while it waited) with its reason and the members' votes, and the
 * changes still waiting for a decision. Which decisions belong to the meeting is worked out from
 * the audit trail (see app/cab/agenda.server.ts). The site header and footer are hidden
 * in print by the global stylesheet; the page's own print rules hide its links and buttons.
 */
const place = PLACES.cab;

/** Keys not yet in the dictionaries are cast until they are merged. */

const VOTES = ["approve", "reject", "abstain"] as const;

const PRINT_CSS = `
@media print {
  .minutes-noprint { display: none !important; }
  .minutes a { color: inherit; text-decoration: none; }
  .minutes-item { break-inside: avoid; page-break-inside: avoid; border: none; border-top: 1px solid #999; border-radius: 0; padding: 0.5rem 0; }
  main { max-width: none; padding: 0; }
}
`;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...place.roles);
  return { ...(await minutesOf(db(), user, params.id)), printedAt: new Date().toISOString() };
}

export const handle: PageHandle<RouteData<typeof loader>> = {
  head: { title: (data, { t, formatDate }) => t("cab.minutes.pageTitle", { date: data ? formatDate(data.meeting.startsAt) : "" }) },
};

export default function MinutesPage() {
  const { t, formatDateTime } = useT();
  const { meeting, items, decided, reviews, session, printedAt } = useLoaderData<typeof loader>();
  const end = new Date(Date.parse(meeting.startsAt) + meeting.durationMinutes * 60_000).toISOString();
  return (
    <article className="minutes" aria-labelledby="minutes-heading">
      <style>{PRINT_CSS}</style>
      <p className="minutes-noprint">
        <Link to={`/cab/meetings/${meeting.id}`}>{t("cab.minutes.back")}</Link>
      </p>
      <h1 id="minutes-heading">{t("cab.minutes.title", { when: formatDateTime(meeting.startsAt) })}</h1>
      <dl className="facts">
        <dt>{t("cab.meeting.when")}</dt>
        <dd>
          {formatDateTime(meeting.startsAt)} – {formatDateTime(end)}
        </dd>
        <dt>{t("cab.meeting.location")}</dt>
        <dd>{meeting.location || "–"}</dd>
        {meeting.extraReason !== null ? (
          <>
            <dt>{t("cab.extra.badge")}</dt>
            <dd className="prose">{meeting.extraReason}</dd>
          </>
        ) : null}
        <dt>{t("cab.meeting.status")}</dt>
        <dd>{t(`cab.meetingStatus.${meeting.status}`)}</dd>
        {session.chair ? (
          <>
            <dt>{t("cab.minutes.chair")}</dt>
            <dd>{session.chair}</dd>
          </>
        ) : null}
        <dt>{t("cab.session.present")}</dt>
        <dd id="minutes-attendance">{session.attendance.length ? session.attendance.map((a) => attendeeText(t, a)).join(", ") : "–"}</dd>
        <dt>{t("cab.minutes.quorumLabel")}</dt>
        <dd>{t("cab.minutes.quorum", { count: session.quorum })}</dd>
        <dt>{t("cab.minutes.adjustment")}</dt>
        <dd>
          {session.adjustedAt
            ? t("cab.session.adjusted", { name: session.adjustedBy ?? "", at: formatDateTime(session.adjustedAt) })
            : t("cab.minutes.notAdjusted")}
        </dd>
        <dt>{t("cab.minutes.printedAt")}</dt>
        <dd>{formatDateTime(printedAt)}</dd>
      </dl>
      <div className="button-row minutes-noprint">
        <PrintButton />
        <a className="button button--secondary" href={`/cab/meetings/${meeting.id}/minutes.csv`} download>
          {t("cab.minutes.csvLink")}
        </a>
      </div>

      <section id="minutes-decided" aria-labelledby="minutes-decided-heading">
        <h2 id="minutes-decided-heading">
          {t("cab.minutes.decided")} <span className="muted">({decided.length})</span>
        </h2>
        {decided.length ? (
          <ol style={{ listStyle: "none", padding: 0 }}>
            {decided.map((d) => (
              <li key={d.auditId} className="minutes-item card" style={{ marginBottom: "0.75rem" }} id={`decision-${d.auditId}`}>
                <h3>
                  <Link to={`/cases/${d.number}`}>{d.number}</Link> {d.title}
                </h3>
                <dl className="facts">
                  <dt>{t("request.system")}</dt>
                  <dd>
                    {d.system.code} – {d.system.name}
                  </dd>
                  <dt>{t("cab.minutes.decision")}</dt>
                  <dd>
                    <strong>{t(`event.${d.event}`)}</strong>
                  </dd>
                  {d.overrideFreeze ? (
                    <>
                      <dt>{t("case.freezeOverride")}</dt>
                      <dd>{t("cab.minutes.freezeOverride")}</dd>
                    </>
                  ) : null}
                  {d.conditions ? (
                    <>
                      <dt>{t("case.action.conditions")}</dt>
                      <dd className="prose">{d.conditions}</dd>
                    </>
                  ) : null}
                  {d.deferredTo ? (
                    <>
                      <dt>{t("cab.minutes.deferredTo")}</dt>
                      <dd>
                        <Link to={`/cab/meetings/${d.deferredTo.id}`}>{formatDateTime(d.deferredTo.startsAt)}</Link>
                        {d.deferredTo.location ? ` · ${d.deferredTo.location}` : ""}
                      </dd>
                    </>
                  ) : null}
                  {d.reason ? (
                    <>
                      <dt>{t("case.action.reason")}</dt>
                      <dd className="prose">{d.reason}</dd>
                    </>
                  ) : null}
                  <dt>{t("cab.minutes.recordedBy")}</dt>
                  <dd>
                    {d.actor ?? "–"} · <time dateTime={d.at}>{formatDateTime(d.at)}</time>
                  </dd>
                  <dt>{t("cab.votes")}</dt>
                  <dd>
                    <Votes votes={d.votes} />
                  </dd>
                </dl>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("cab.minutes.noDecisions")}</p>
        )}
      </section>

      <section id="minutes-reviews" aria-labelledby="minutes-reviews-heading">
        <h2 id="minutes-reviews-heading">{t("cab.review.title")}</h2>
        {reviews.length ? (
          <ol>
            {reviews.map((r) => (
              <li key={r.number}>
                <Link to={`/cases/${r.number}`}>{r.number}</Link> {r.title} · {r.system.code} · {t(`outcome.${r.outcome as "successful"}`)}
                {r.comment ? ` · ${r.comment}` : ""}
                <br />
                {t("cab.review.note")}: {r.note ? `${r.note.text} (${r.note.by ?? "–"})` : t("cab.review.noNote")}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("cab.review.none")}</p>
        )}
      </section>

      <section id="minutes-pending" aria-labelledby="minutes-pending-heading">
        <h2 id="minutes-pending-heading">
          {t("cab.minutes.pending")} <span className="muted">({items.length})</span>
        </h2>
        {items.length ? (
          <ol style={{ listStyle: "none", padding: 0 }}>
            {items.map((item) => (
              <li key={item.number} className="minutes-item card" style={{ marginBottom: "0.75rem" }} id={`pending-${item.number}`}>
                <h3>
                  <Link to={`/cases/${item.number}`}>{item.number}</Link> {item.title}
                </h3>
                <dl className="facts">
                  <dt>{t("request.system")}</dt>
                  <dd>
                    {item.system.code} – {item.system.name}
                  </dd>
                  <dt>{t("case.window")}</dt>
                  <dd>
                    <WindowText window={item.window} />
                  </dd>
                  <dt>{t("case.conflicts")}</dt>
                  <dd>{item.conflicts.length}</dd>
                  {item.late ? (
                    <>
                      <dt>{t("cab.late")}</dt>
                      <dd>{t("form.yes")}</dd>
                    </>
                  ) : null}
                  <dt>{t("cab.votes")}</dt>
                  <dd>
                    <Votes votes={item.votes} />
                  </dd>
                </dl>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("cab.minutes.noPending")}</p>
        )}
      </section>
    </article>
  );
}

/** Counts, then who voted what. */
function Votes({ votes }: { votes: VoteSummary }) {
  const { t } = useT();
  return (
    <>
      {VOTES.map((v, i) => (
        <span key={v}>
          {i ? " · " : ""}
          {t(`cab.vote.${v}`)}: {votes.counts[v]}
        </span>
      ))}
      {votes.members.length ? (
        <>
          <br />
          {votes.members.map((m) => `${m.name} (${t(`cab.vote.${m.vote}`)}${m.advance ? `, ${t("cab.vote.advance")}` : ""})`).join(", ")}
        </>
      ) : null}
    </>
  );
}

function PrintButton() {
  const { t } = useT();
  return (
    <button type="button" className="button button--secondary" onClick={() => window.print()}>
      {t("cab.minutes.print")}
    </button>
  );
}
