import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import type { PageHandle } from "~/ui/meta";
import { publicChanges } from "~/cases/status.server";

/**
 * "Driftinformation": public, no sign-in. Approved changes that affect users — the system, the
 * planned start and end, and the public description; nothing internal. Also as RSS (/status.rss).
 */
const RSS_PATH = "/status.rss";

export async function loader(_: LoaderFunctionArgs) {
  const now = new Date();
  const changes = await publicChanges(db(), now);
  return {
    changes: changes.map((c) => ({
      ...c,
      phase: Date.parse(c.end) <= now.getTime() ? ("ended" as const) : Date.parse(c.start) <= now.getTime() ? ("ongoing" as const) : ("upcoming" as const),
    })),
  };
}

export const handle: PageHandle = {
  head: { title: "status.title", alternates: [{ type: "application/rss+xml", href: RSS_PATH, title: "statusPage.rssTitle" }] },
};

export default function Status() {
  const { t, formatDateTime } = useT();
  const { changes } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("status.title")}</h1>
      <p className="lead">{t("status.intro")}</p>
      <p>
        <a href={RSS_PATH} type="application/rss+xml">
          {t("statusPage.rss")}
        </a>
      </p>
      {changes.length === 0 ? (
        <p className="muted">{t("status.none")}</p>
      ) : (
        <ul className="status-changes" style={{ listStyle: "none", padding: 0 }}>
          {changes.map((c) => (
            <li key={c.key} id={`change-${c.key}`}>
              <article className="card" style={{ marginBottom: "1rem" }} aria-labelledby={`change-${c.key}-heading`}>
                <h2 id={`change-${c.key}-heading`}>{c.systemName}</h2>
                <p>
                  <span className={`badge${c.phase === "ongoing" ? " badge--attention" : c.phase === "ended" ? " badge--muted" : ""}`}>
                    {t(`statusPage.phase.${c.phase}`)}
                  </span>
                </p>
                <dl className="facts">
                  <dt>{t("statusPage.start")}</dt>
                  <dd>
                    <time dateTime={c.start}>{formatDateTime(c.start)}</time>
                  </dd>
                  <dt>{t("statusPage.end")}</dt>
                  <dd>
                    <time dateTime={c.end}>{formatDateTime(c.end)}</time>
                  </dd>
                </dl>
                <p style={{ whiteSpace: "pre-line" }}>{c.description ?? t("statusPage.defaultDescription")}</p>
              </article>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
