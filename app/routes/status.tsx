import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT } from "~/i18n";
import type { PageHandle } from "~/ui/meta";
import { publicChanges } from "~/cases/status.server";
import { publicDisturbances } from "~/cases/disturbances.server";

/**
 * "Driftinformation": public, no sign-in. First the disturbances the service centre published
 * (priority 1–2 incidents: the system, the public text, its updates, when it was resolved), then
 * approved changes that affect users — the system, the planned start and end, and the public
 * description; nothing internal. Also as RSS (/status.rss).
 */
const RSS_PATH = "/status.rss";

export async function loader(_: LoaderFunctionArgs) {
  const now = new Date();
  const [changes, disturbances] = await Promise.all([publicChanges(db(), now), publicDisturbances(db(), now)]);
  return {
    disturbances,
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
  const { changes, disturbances } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("status.title")}</h1>
      <p className="lead">{t("status.intro")}</p>
      <p>
        <a href={RSS_PATH} type="application/rss+xml">
          {t("statusPage.rss")}
        </a>
      </p>
      <section aria-labelledby="disturbances-heading">
        <h2 id="disturbances-heading">{t("statusPage.disturbances")}</h2>
        {disturbances.length === 0 ? (
          <p className="muted">{t("statusPage.noDisturbances")}</p>
        ) : (
          <ul className="status-disturbances" style={{ listStyle: "none", padding: 0 }}>
            {disturbances.map((d) => (
              <li key={d.key} id={`disturbance-${d.key}`}>
                <article className="card" style={{ marginBottom: "1rem" }} aria-labelledby={`disturbance-${d.key}-heading`}>
                  <h3 id={`disturbance-${d.key}-heading`}>{d.systemName}</h3>
                  <p>
                    <span className={`badge ${d.resolvedAt ? "badge--muted" : "badge--danger"}`}>
                      {t(d.resolvedAt ? "statusPage.phase.resolved" : "statusPage.phase.disturbance")}
                    </span>
                  </p>
                  <dl className="facts">
                    <dt>{t("statusPage.since")}</dt>
                    <dd>
                      <time dateTime={d.publishedAt}>{formatDateTime(d.publishedAt)}</time>
                    </dd>
                    {d.resolvedAt ? (
                      <>
                        <dt>{t("statusPage.resolvedAt")}</dt>
                        <dd>
                          <time dateTime={d.resolvedAt}>{formatDateTime(d.resolvedAt)}</time>
                        </dd>
                      </>
                    ) : null}
                  </dl>
                  <p style={{ whiteSpace: "pre-line" }}>{d.text}</p>
                  {d.updates.length ? (
                    <>
                      <h4>{t("statusPage.updates")}</h4>
                      <ol className="timeline">
                        {d.updates.map((u) => (
                          <li key={u.key} id={`update-${u.key}`}>
                            <time dateTime={u.at}>{formatDateTime(u.at)}</time>
                            <p className="timeline__reason" style={{ whiteSpace: "pre-line" }}>
                              {u.text}
                            </p>
                          </li>
                        ))}
                      </ol>
                    </>
                  ) : null}
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
      <h2>{t("statusPage.planned")}</h2>
      {changes.length === 0 ? (
        <p className="muted">{t("status.none")}</p>
      ) : (
        <ul className="status-changes" style={{ listStyle: "none", padding: 0 }}>
          {changes.map((c) => (
            <li key={c.key} id={`change-${c.key}`}>
              <article className="card" style={{ marginBottom: "1rem" }} aria-labelledby={`change-${c.key}-heading`}>
                <h3 id={`change-${c.key}-heading`}>{c.systemName}</h3>
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
