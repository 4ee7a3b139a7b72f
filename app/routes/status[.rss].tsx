import type { LoaderFunctionArgs } from "@remix-run/node";
import { Feed } from "feed";

import { db } from "../../db/client";
import { env } from "~/env.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { formatSpan, publicChanges } from "~/cases/status.server";
import { publicDisturbances } from "~/cases/disturbances.server";

/**
 * "Driftinformation" as RSS 2.0 (/status.rss): the same public list as /status. Each disturbance
 * is an item, each of its updates and its resolution another (so a reader sees news as news),
 * and each planned change one — system, planned start and end, public description. Every guid is
 * stable: the row's random public id, never a case number. Public.
 *
 * An RSS reader renders an item's title and description as HTML. What the portal publishes is
 * plain text typed by people, so it is HTML-escaped first: "<b>" reads as "<b>", never as markup.
 */
const asText = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function loader({ request }: LoaderFunctionArgs) {
  const lang = await getLang(request);
  const { t } = translatorFor(lang);
  const appUrl = env().appUrl.replace(/\/+$/, "");
  const host = new URL(appUrl).host;
  const [changes, disturbances] = await Promise.all([publicChanges(db()), publicDisturbances(db())]);
  type Item = { title: string; guid: string; anchor: string; description: string; date: Date };
  const items: Item[] = [];
  for (const d of disturbances) {
    items.push({
      title: t("statusPage.rss.disturbance", { system: d.systemName }),
      guid: `disturbance-${d.key}`,
      anchor: `disturbance-${d.key}`,
      description: d.text,
      date: new Date(d.publishedAt),
    });
    for (const u of d.updates)
      items.push({
        title: t("statusPage.rss.update", { system: d.systemName }),
        guid: `disturbance-update-${u.key}`,
        anchor: `update-${u.key}`,
        description: u.text,
        date: new Date(u.at),
      });
    if (d.resolvedAt)
      items.push({
        title: t("statusPage.rss.resolved", { system: d.systemName }),
        guid: `disturbance-resolved-${d.key}`,
        anchor: `disturbance-${d.key}`,
        description: t("statusPage.rss.resolvedText", { at: d.resolvedAt }),
        date: new Date(d.resolvedAt),
      });
  }
  for (const c of changes)
    items.push({
      title: `${c.systemName}: ${formatSpan(c.start, c.end, lang)}`,
      guid: `status-${c.key}`,
      anchor: `change-${c.key}`,
      description: c.description ?? t("statusPage.defaultDescription"),
      date: new Date(c.publishedAt),
    });
  // Newest news first, as readers expect.
  items.sort((a, b) => b.date.getTime() - a.date.getTime());
  const latest = items[0]?.date;

  const feed = new Feed({
    title: `${t("status.title")} – ${t("app.name")}`,
    description: t("status.intro"),
    id: `${appUrl}/status`,
    link: `${appUrl}/status`,
    language: lang,
    updated: latest,
    ttl: 15,
    generator: false,
    feedLinks: { rss: `${appUrl}/status.rss` },
  });
  for (const item of items) {
    feed.addItem({
      title: asText(item.title),
      id: `${item.guid}@${host}`,
      guid: `${item.guid}@${host}`,
      link: `${appUrl}/status#${item.anchor}`,
      description: asText(item.description),
      date: item.date,
    });
  }

  return new Response(feed.rss2(), {
    status: 200,
    headers: {
      "Content-Type": "application/rss+xml; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    },
  });
}
