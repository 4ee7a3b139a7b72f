import type { LoaderFunctionArgs } from "@remix-run/node";
import ical, { ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus, ICalEventTransparency } from "ical-generator";

import { db } from "../../db/client";
import { env } from "~/env.server";
import { isLang } from "~/i18n";
import { translatorFor } from "~/i18n/i18n.server";
import { userForFeedToken } from "~/access/calendar-feeds.server";
import { PLACES } from "~/ui/places";
import { scheduleOf, type ScheduleWindow } from "~/cases/schedule.server";
import { hasRole } from "~/access/roles";

/**
 * A person's schedule as an iCalendar feed, at the secret address made on /schedule
 * (`/feeds/schedule/<token>.ics`). Calendar programs cannot sign in: the token is the
 * credential, so an unknown or revoked token — or one of a person who may no longer sign in —
 * answers 404 like any unknown address. The schedule is the person's own scope, as on the page,
 * from 30 days back to 180 days ahead. Times are UTC instants (`…Z`): every calendar program
 * shows them in its own zone, with no VTIMEZONE to get wrong.
 */
const DAY_MS = 86_400_000;
export const FEED_DAYS_BACK = 30;
export const FEED_DAYS_AHEAD = 180;

const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

function eventStatus(w: ScheduleWindow): ICalEventStatus {
  return w.state === "pending" ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const user = await userForFeedToken(db(), params.token ?? "");
  if (!user || !hasRole(user, ...PLACES.schedule.roles)) throw notFound();

  const now = new Date();
  const schedule = await scheduleOf(db(), user, {
    from: new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS),
    to: new Date(now.getTime() + FEED_DAYS_AHEAD * DAY_MS),
  });
  const lang = isLang(user.lang) ? user.lang : "sv";
  const { t } = translatorFor(lang);
  const appUrl = env().appUrl;
  const host = new URL(appUrl).host;

  const calendar = ical({
    name: `${t("nav.schedule")} – ${t("app.name")}`,
    prodId: { company: "Sjövik kommun", product: "Leverantörsåtkomst", language: lang.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 60 * 60,
  });
  for (const row of schedule.rows) {
    for (const w of row.windows) {
      const url = `${appUrl}/cases/${w.number}`;
      calendar.createEvent({
        id: `${w.number}@${host}`,
        stamp: now,
        start: w.start,
        end: w.end,
        summary: `${w.number} ${w.title} (${w.systemCode})`,
        description: [
          `${t("schedule.feed.status")}: ${t(`status.${w.status}`)}`,
          `${t("schedule.feed.type")}: ${t(`type.${w.type}`)}`,
          `${t("schedule.feed.system")}: ${w.systemCode} – ${w.systemName}`,
          w.supplierName ? `${t("schedule.feed.supplier")}: ${w.supplierName}` : null,
          w.conflict ? `⚠ ${t("schedule.conflict")}` : null,
          url,
        ]
          .filter(Boolean)
          .join("\n"),
        url,
        status: eventStatus(w),
        busystatus: ICalEventBusyStatus.FREE,
        transparency: ICalEventTransparency.TRANSPARENT,
      });
    }
  }
  const blackouts = [...schedule.globalBlackouts, ...schedule.rows.flatMap((r) => r.blackouts)];
  for (const b of blackouts) {
    calendar.createEvent({
      id: `blackout-${b.id}@${host}`,
      stamp: now,
      start: b.start,
      end: b.end,
      summary: `${t("schedule.blackout")}: ${b.reason} (${b.systemCode ?? t("conflict.allSystems")})`,
      description: `${t("schedule.blackout")}: ${b.reason}`,
      status: ICalEventStatus.CONFIRMED,
      busystatus: ICalEventBusyStatus.FREE,
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }

  return new Response(calendar.toString(), {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="schedule.ics"',
      "Cache-Control": "private, max-age=300",
      "X-Robots-Tag": "noindex, nofollow",
      "Referrer-Policy": "no-referrer",
    },
  });
}
