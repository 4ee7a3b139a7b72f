import type { LoaderFunctionArgs } from "@remix-run/node";
import { Feed } from "feed";

import { db } from "../../db/client";
import { env } from "~/env.server";
import { getLang, translatorFor } from "~/i18n/i18n.server";
import { formatSpan, publicChanges } from "~/cases/status.server";

/**
 * "Driftinformation" as RSS 2.0 (/status.rss): the same public list as /status — system, planned
 * start and end, public description — one item per change, with a stable guid. Public.
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
  const changes = await publicChanges(db());
  const latest = changes.reduce<Date | undefined>((max, c) => {
    const at = new Date(c.publishedAt);
    return !max || at > max ? at : max;
  }, undefined);

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
  for (const c of changes) {
    feed.addItem({
      title: asText(`${c.systemName}: ${formatSpan(c.start, c.end, lang)}`),
      id: `status-${c.key}@${host}`,
      guid: `status-${c.key}@${host}`,
      link: `${appUrl}/status#change-${c.key}`,
      description: asText(c.description ?? t("statusPage.defaultDescription")),
      date: new Date(c.publishedAt),
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
