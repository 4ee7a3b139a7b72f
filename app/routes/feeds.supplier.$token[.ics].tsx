import type { LoaderFunctionArgs } from "@remix-run/node";
import ical, { ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus, ICalEventTransparency } from "ical-generator";

import { db } from "../../db/client";
import { env } from "~/env.server";
import { isLang } from "~/i18n";
import { translatorFor } from "~/i18n/i18n.server";
import { userForFeedToken } from "~/access/calendar-feeds.server";
import { supplierFeedWindows } from "~/cases/supplier.server";

/**
 * A supplier's access windows as an iCalendar feed, at the secret address made on /supplier
 * (`/feeds/supplier/<token>.ics`): the organisation's scheduled, open and closed windows from 30
 * days back to 180 days ahead, with the accounts, how to log in and the contact — never the
 * municipality's internal notes. The token is the credential: an unknown or revoked token, or one
 * of a person who may no longer sign in, answers 404 like any unknown address. Times are UTC.
 */
const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ params }: LoaderFunctionArgs) {
  const user = await userForFeedToken(db(), params.token ?? "", "supplier");
  if (!user || user.role !== "supplier") throw notFound();

  const now = new Date();
  const windows = await supplierFeedWindows(db(), user, now);
  const lang = isLang(user.lang) ? user.lang : "sv";
  const { t, formatDateTime } = translatorFor(lang);
  const appUrl = env().appUrl;
  const host = new URL(appUrl).host;

  const calendar = ical({
    name: `${t("nav.supplier")} – ${t("app.name")}`,
    prodId: { company: "Sjövik kommun", product: "Leverantörsåtkomst", language: lang.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 60 * 60,
  });
  for (const w of windows) {
    calendar.createEvent({
      id: `supplier-${w.number}@${host}`,
      stamp: now,
      start: new Date(w.start),
      end: new Date(w.end),
      summary: `${w.system.name}: ${w.number} ${w.title}`,
      description: [
        `${t("supplier.window.status")}: ${t(`window.status.${w.status}`)}`,
        `${t("supplier.system")}: ${w.system.name} (${w.system.code})`,
        `${t("supplier.accounts")}: ${w.accounts.length ? w.accounts.join(", ") : t("supplier.noAccounts")}`,
        `${t("supplier.howToLogIn")}: ${t("supplier.howToLogIn.text")}`,
        `${t("supplier.contact")}: ${w.contact.name} <${w.contact.email}>`,
        w.pendingExtension ? t("supplier.pendingExtension", { end: formatDateTime(w.pendingExtension.end) }) : null,
        `${appUrl}/supplier`,
      ]
        .filter(Boolean)
        .join("\n"),
      url: `${appUrl}/supplier`,
      status: ICalEventStatus.CONFIRMED,
      busystatus: ICalEventBusyStatus.BUSY,
      transparency: ICalEventTransparency.OPAQUE,
    });
  }

  return new Response(calendar.toString(), {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="supplier.ics"',
      "Cache-Control": "private, max-age=300",
      "X-Robots-Tag": "noindex, nofollow",
      "Referrer-Policy": "no-referrer",
    },
  });
}
