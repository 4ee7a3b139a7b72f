import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import type { Role } from "../../db/schema";
import { outboxPage } from "~/outbox/list.server";
import { env } from "~/env.server";
import { Pager } from "~/components/pager";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { askedPage, pageAddress, pagerLinks } from "~/ui/paging";
import { hasRole } from "~/access/roles";

/**
 * The outbox: every message the portal has queued, newest first, with its delivery status and
 * its rendered content. Without SMTP_URL nothing is sent — messages are kept, and this page is
 * where they are read (and passed on by hand if need be).
 *
 * Invitation links are credentials (they set a password): only administrators see them here.
 */
const ROLES: Role[] = ["admin", "service-centre"];

export const handle = titled("outbox.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ROLES);
  const url = new URL(request.url);
  const { messages, page, pages, total } = await outboxPage(db(), askedPage(url.searchParams), { showInvitationLinks: hasRole(user, "admin") });
  return {
    smtpConfigured: Boolean(env().smtpUrl),
    messages,
    total,
    page,
    pages,
    ...pagerLinks(page, pages, (n) => pageAddress("/admin/outbox", {}, n)),
  };
}

export default function Outbox() {
  const { t, textOr, formatDateTime } = useT();
  const data = useLoaderData<typeof loader>();
  const templateName = (template: string) => {
    return textOr(`message.${template}`, template);
  };
  return (
    <>
      <h1>{t("outbox.title")}</h1>
      <p className="lead">{t("outbox.intro")}</p>
      {data.smtpConfigured ? null : (
        <p className="notice notice--warn" data-smtp="off">
          {t("outbox.smtpMissing")}
        </p>
      )}
      <h2 id="outbox-heading">{t("outbox.count", { count: data.total })}</h2>
      {data.messages.length === 0 ? (
        <p className="muted">{t("outbox.empty")}</p>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-labelledby="outbox-heading">
              <thead>
                <tr>
                  <th scope="col">{t("outbox.col.created")}</th>
                  <th scope="col">{t("outbox.col.template")}</th>
                  <th scope="col">{t("outbox.col.recipient")}</th>
                  <th scope="col">{t("language.label")}</th>
                  <th scope="col">{t("outbox.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.messages.map((m) => (
                  <tr key={m.id} data-message={m.id}>
                    <td>{formatDateTime(m.createdAt)}</td>
                    <th scope="row">
                      <div>{templateName(m.template)}</div>
                      {m.subject === null ? (
                        <p className="muted">{t("outbox.unrenderable")}</p>
                      ) : (
                        <details>
                          <summary>{t("outbox.show", { subject: m.subject })}</summary>
                          <dl>
                            <dt>{t("outbox.subject")}</dt>
                            <dd data-subject>{m.subject}</dd>
                            <dt>{t("outbox.text")}</dt>
                            <dd>
                              <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: 0 }}>{m.text}</pre>
                              {m.linkHidden ? <p className="muted">{t("outbox.linkHidden")}</p> : null}
                            </dd>
                          </dl>
                        </details>
                      )}
                    </th>
                    <td>{m.recipient}</td>
                    <td>{m.lang === "sv" || m.lang === "en" ? t(`language.${m.lang}`) : m.lang}</td>
                    <td>
                      {m.sentAt ? (
                        <span className="badge badge--ok">{t("outbox.status.sent", { time: formatDateTime(m.sentAt) })}</span>
                      ) : m.attempts > 0 ? (
                        <>
                          <span className="badge badge--attention">{t("outbox.status.failed", { attempts: m.attempts })}</span>
                          {m.lastError ? <div className="field__error">{m.lastError}</div> : null}
                          {data.smtpConfigured ? (
                            <div className="muted">{t("outbox.status.nextAttempt", { time: formatDateTime(m.nextAttemptAt) })}</div>
                          ) : null}
                        </>
                      ) : (
                        <span className="badge">{t(data.smtpConfigured ? "outbox.status.queued" : "outbox.status.kept")}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager previous={data.previous} next={data.next}>
            {t("cases.pageOf", { page: data.page, pages: data.pages })}
          </Pager>
        </>
      )}
    </>
  );
}
