import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { requireRole } from "~/access/guards.server";
import { minutesOf } from "~/cab/minutes.server";
import { attendeeText } from "~/components/cab-bits";
import { csvResponse, csvText } from "~/http/csv.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { PLACES } from "~/ui/places";

/**
 * A meeting's minutes as CSV (/cab/meetings/:id/minutes.csv), in the reader's language: one row
 * per decision taken at the meeting — the case, its system, the decision, conditions, reason, a
 * freeze override, the members' votes and who recorded it — after the meeting's own facts
 * (time, place, chair, who was present, the quorum, the adjustment). The same facts as the page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...PLACES.cab.roles);
  const { meeting, decided, reviews, session } = await minutesOf(db(), user, params.id);
  const { t, formatDateTime } = translatorFor(await getLang(request));
  const rows: unknown[][] = [
    [t("cab.minutes.csv.meeting"), formatDateTime(meeting.startsAt), meeting.location],
    [t("cab.minutes.chair"), session.chair ?? ""],
    [t("cab.session.present"), session.attendance.map((a) => attendeeText(t, a)).join("; ")],
    [t("cab.minutes.quorumLabel"), t("cab.minutes.quorum", { count: session.quorum })],
    [
      t("cab.minutes.adjustment"),
      session.adjustedAt ? t("cab.session.adjusted", { name: session.adjustedBy ?? "", at: formatDateTime(session.adjustedAt) }) : t("cab.minutes.notAdjusted"),
    ],
    [],
    [
      t("cab.minutes.csv.case"),
      t("cab.minutes.csv.title"),
      t("request.system"),
      t("cab.minutes.decision"),
      t("case.action.conditions"),
      t("cab.minutes.csv.reason"),
      t("case.freezeOverride"),
      t("cab.minutes.csv.votesFor"),
      t("cab.minutes.csv.votesAgainst"),
      t("cab.minutes.csv.abstentions"),
      t("cab.minutes.csv.recordedBy"),
      t("cab.minutes.csv.at"),
    ],
    ...decided.map((d) => [
      d.number,
      d.title,
      d.system.code,
      t(`event.${d.event}`),
      d.conditions ?? "",
      d.reason ?? "",
      d.overrideFreeze ? t("cab.minutes.csv.yes") : "",
      d.votes.counts.approve,
      d.votes.counts.reject,
      d.votes.counts.abstain,
      d.actor ?? "",
      formatDateTime(d.at),
    ]),
    [],
    [t("cab.review.title")],
    [t("cab.minutes.csv.case"), t("cab.minutes.csv.title"), t("request.system"), t("cab.review.outcome"), t("cab.review.comment"), t("cab.review.note")],
    ...reviews.map((r) => [r.number, r.title, r.system.code, t(`outcome.${r.outcome as "successful"}`), r.comment ?? "", r.note?.text ?? ""]),
  ];
  return csvResponse(csvText(rows), `protokoll-cab-${meeting.startsAt.slice(0, 10)}`);
}
