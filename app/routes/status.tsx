import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { useT, type MessageKey } from "~/i18n";
import { title } from "~/ui/meta";
import { publicChanges } from "~/cases/status.server";

/**
 * "Driftinformation": public, no sign-in. Approved changes that affect users — the system, the
 * planned start and end, and the public description; nothing internal. Also as RSS (/status.rss).
 */
const k = (key: string) => key as MessageKey;
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

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { messages?: Record<string, string> } | undefined;
  const rssTitle = root?.messages?.["statusPage.rssTitle"] ?? "RSS";
  return [...title(matches, "status.title"), { tagName: "link", rel: "alternate", type: "application/rss+xml", href: RSS_PATH, title: rssTitle }];
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
          {t(k("statusPage.rss"))}
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
                    {t(k(`statusPage.phase.${c.phase}`))}
                  </span>
                </p>
                <dl className="facts">
                  <dt>{t(k("statusPage.start"))}</dt>
                  <dd>
                    <time dateTime={c.start}>{formatDateTime(c.start)}</time>
                  </dd>
                  <dt>{t(k("statusPage.end"))}</dt>
                  <dd>
                    <time dateTime={c.end}>{formatDateTime(c.end)}</time>
                  </dd>
                </dl>
                <p style={{ whiteSpace: "pre-line" }}>{c.description ?? t(k("statusPage.defaultDescription"))}</p>
              </article>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
