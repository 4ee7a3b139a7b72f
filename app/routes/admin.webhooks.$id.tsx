import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { db } from "../../db/client";
import { Notice } from "~/components/forms";
import { useT } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { changeSubscriber, deliveryLog, getSubscriber } from "~/connectors/webhooks.server";
import type { WebhookEvent } from "~/connectors/events";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { parseId } from "~/http/ids";
import type { PageHandle, RouteData } from "~/ui/meta";

/**
 * One webhook subscriber: its events, its delivery log (newest first: what was sent, how the
 * receiver answered, what is being retried), pause/resume, a new secret, removal. The signing
 * secret is shown only right after it was made.
 */
export const handle: PageHandle<RouteData<typeof loader>> = { head: { title: (data, { t }) => `${t("webhooks.title")}: ${data?.subscriber.name ?? ""}` } };

async function load(param: string | undefined) {
  const id = parseId(param);
  const subscriber = id === undefined ? undefined : await getSubscriber(db(), id);
  if (!subscriber) throw new Response("Not found", { status: 404 });
  return subscriber;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const subscriber = await load(params.id);
  const url = new URL(request.url);
  const fresh = url.searchParams.get("created") === "1" || url.searchParams.get("secret") === "1";
  // Shown only on the page the admin lands on right after making it, and only for a few minutes.
  const showSecret = fresh && Date.now() - subscriber.updatedAt.getTime() < 5 * 60_000;
  const { secret, ...rest } = subscriber;
  const deliveries = await deliveryLog(db(), subscriber.id);
  return {
    subscriber: rest,
    secret: showSecret ? secret : null,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      event: d.event as WebhookEvent,
      createdAt: d.createdAt.toISOString(),
      attempts: d.attempts,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      responseStatus: d.responseStatus,
      lastError: d.lastError,
      nextAttemptAt: d.nextAttemptAt.toISOString(),
      caseNumber: (d.payload as { data?: { case?: { number?: string } } }).data?.case?.number ?? null,
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "admin");
  const subscriber = await load(params.id);
  const intent = String((await readFormData(request, BODY_LIMITS.form)).get("intent") ?? "");
  if (intent !== "pause" && intent !== "resume" && intent !== "new-secret" && intent !== "delete") throw new Response("Unknown intent", { status: 400 });
  await changeSubscriber(db(), user, subscriber.id, intent);
  if (intent === "delete") return redirect("/admin/webhooks?notice=deleted");
  return redirect(`/admin/webhooks/${subscriber.id}${intent === "new-secret" ? "?secret=1" : ""}`);
}

export default function Subscriber() {
  const { t, formatDateTime } = useT();
  const { subscriber, secret, deliveries } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin/webhooks">{t("webhooks.back")}</Link>
      </p>
      <h1>{subscriber.name}</h1>
      <p>{subscriber.url}</p>
      <p>
        <span className={`badge${subscriber.active ? " badge--ok" : ""}`}>{t(subscriber.active ? "webhooks.active" : "webhooks.paused")}</span>{" "}
        <span className="muted">{subscriber.events.map((e) => t(`webhooks.event.${e as WebhookEvent}`)).join(", ")}</span>
      </p>
      {secret ? (
        <Notice>
          <strong>{t("webhooks.secret")}:</strong> <code data-secret>{secret}</code>
          <br />
          {t("webhooks.secret.hint")}
        </Notice>
      ) : null}
      <div className="button-row">
        <Form method="post">
          <button type="submit" name="intent" value={subscriber.active ? "pause" : "resume"} className="button button--secondary">
            {t(subscriber.active ? "webhooks.pause" : "webhooks.resume")}
          </button>
        </Form>
        <Form method="post">
          <button type="submit" name="intent" value="new-secret" className="button button--secondary">
            {t("webhooks.newSecret")}
          </button>
        </Form>
        <Form method="post">
          <button type="submit" name="intent" value="delete" className="button button--danger">
            {t("webhooks.delete")}
          </button>
        </Form>
      </div>
      <h2 id="log-heading">{t("webhooks.log")}</h2>
      {deliveries.length === 0 ? (
        <p className="muted">{t("webhooks.log.none")}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="log-heading">
            <thead>
              <tr>
                <th scope="col">{t("webhooks.log.created")}</th>
                <th scope="col">{t("webhooks.log.event")}</th>
                <th scope="col">{t("webhooks.log.status")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <th scope="row">
                    {t(`webhooks.event.${d.event}`)}
                    {d.caseNumber ? (
                      <>
                        {" "}
                        <Link to={`/cases/${d.caseNumber}`}>{d.caseNumber}</Link>
                      </>
                    ) : null}
                  </th>
                  <td>
                    {d.deliveredAt ? (
                      <span className="badge badge--ok">
                        {t("webhooks.log.delivered", { time: formatDateTime(d.deliveredAt), status: d.responseStatus ?? "" })}
                      </span>
                    ) : d.lastError ? (
                      <>
                        <span className="badge badge--attention">{t("webhooks.log.failing", { attempts: d.attempts })}</span>
                        <div className="field__error">{d.lastError}</div>
                        <div className="muted">{t("webhooks.log.next", { time: formatDateTime(d.nextAttemptAt) })}</div>
                      </>
                    ) : (
                      <span className="badge">{t("webhooks.log.queued")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
