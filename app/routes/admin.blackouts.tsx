import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import type { Role } from "../../db/schema";
import { createBlackout, deleteBlackout, listBlackouts, type FreezeRow } from "~/cases/blackouts.server";
import { ErrorSummary, Notice, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { clientIp, requireRole } from "~/access/guards.server";
import { formObject } from "~/ui/forms";
import { parseId } from "~/http/ids";
import { titled } from "~/ui/meta";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * Blackout periods ("frysperioder"): times when no window may be planned, for one system or for
 * all. Conflict checks and the schedule read them; the service centre and administrators keep
 * them. Times are typed as Stockholm wall-clock time (datetime-local) and stored as instants.
 */
const ROLES: Role[] = ["admin", "service-centre"];

export const handle = titled("admin.blackouts.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...ROLES);
  return listBlackouts(db());
}

type Values = { scope?: string; systemId?: string; start?: string; end?: string; reason?: string; repeats?: string; until?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ROLES);
  const form = await readFormData(request, BODY_LIMITS.form);
  const ip = clientIp(context);
  switch (form.get("intent")) {
    case "create": {
      const raw = formObject(form);
      const values: Values = {
        scope: String(raw.scope ?? "system"),
        systemId: String(raw.systemId ?? ""),
        repeats: String(raw.repeats ?? ""),
        until: String(raw.until ?? ""),
        start: String(raw.start ?? ""),
        end: String(raw.end ?? ""),
        reason: String(raw.reason ?? ""),
      };
      const created = await createBlackout(db(), user, raw, ip);
      if (!created.ok) return data({ values, errors: created.fieldErrors }, { status: 422 });
      return redirect("/admin/blackouts?notice=created");
    }
    case "delete": {
      const id = parseId(form.get("id"));
      if (!id || !(await deleteBlackout(db(), user, id, ip))) throw new Response("Not found", { status: 404 });
      return redirect("/admin/blackouts?notice=deleted");
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

const NOTICES: Record<string, MessageKey> = { created: "admin.blackouts.created", deleted: "admin.blackouts.deleted" };

export default function Blackouts() {
  const { t } = useT();
  const { current, past, systems: systemOptions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = NOTICES[searchParams.get("notice") ?? ""];
  const values: Values = result?.values ?? {};
  const errors = result?.errors;
  return (
    <>
      <h1>{t("admin.blackouts.title")}</h1>
      <p className="lead">{t("admin.blackouts.intro")}</p>
      {notice ? <Notice>{t(notice)}</Notice> : null}

      <section aria-labelledby="blackouts-list">
        <h2 id="blackouts-list">{t("admin.blackouts.list")}</h2>
        {current.length === 0 ? <p className="muted">{t("admin.blackouts.none")}</p> : <FreezeTable rows={current} />}
        {past.length ? (
          <details className="folded">
            <summary>{t("admin.blackouts.pastList", { count: past.length })}</summary>
            <FreezeTable rows={past} />
          </details>
        ) : null}
      </section>

      <section aria-labelledby="blackouts-new">
        <h2 id="blackouts-new">{t("admin.blackouts.new")}</h2>
        <ErrorSummary errors={errors} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="create" />
          <fieldset className="radio-group">
            <legend>{t("admin.blackouts.scope")}</legend>
            {(["system", "closure", "all"] as const).map((scope) => (
              <label key={scope}>
                <input type="radio" name="scope" value={scope} defaultChecked={(values.scope || "system") === scope} /> {t(`admin.blackouts.scope.${scope}`)}
              </label>
            ))}
          </fieldset>
          <SelectField
            label={t("admin.blackouts.system")}
            hint={t("admin.blackouts.systemHint")}
            name="systemId"
            defaultValue={values.systemId ?? ""}
            error={errors?.systemId}
          >
            <option value="">{t("form.choose")}</option>
            {systemOptions.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {`${s.code} – ${s.name}`}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("admin.blackouts.start")}
            hint={t("admin.blackouts.timeHint")}
            name="start"
            type="datetime-local"
            defaultValue={values.start ?? ""}
            error={errors?.start}
            required
          />
          <TextField label={t("admin.blackouts.end")} name="end" type="datetime-local" defaultValue={values.end ?? ""} error={errors?.end} required />
          <SelectField label={t("admin.blackouts.repeats")} name="repeats" defaultValue={values.repeats ?? ""} error={errors?.repeats}>
            <option value="">{t("admin.blackouts.repeats.none")}</option>
            <option value="weekly">{t("admin.blackouts.repeats.weekly")}</option>
            <option value="yearly">{t("admin.blackouts.repeats.yearly")}</option>
          </SelectField>
          <TextField
            label={t("admin.blackouts.until")}
            hint={t("admin.blackouts.untilHint")}
            name="until"
            type="date"
            defaultValue={values.until ?? ""}
            error={errors?.until}
            optional
          />
          <TextArea
            label={t("admin.blackouts.reason")}
            name="reason"
            maxLength={200}
            rows={2}
            defaultValue={values.reason ?? ""}
            error={errors?.reason}
            required
          />
          <button type="submit" className="button">
            {t("form.create")}
          </button>
        </Form>
      </section>
    </>
  );
}

/** Freezes as a table: what they cover, when (a recurring one: how often, and its next time), why. */
function FreezeTable({ rows }: { rows: FreezeRow[] }) {
  const { t, formatDateTime, formatDate } = useT();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.blackouts.system")}</th>
            <th scope="col">{t("admin.blackouts.when")}</th>
            <th scope="col">{t("admin.blackouts.reason")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("settings.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id} className={p.past ? "muted" : undefined}>
              <td>
                {p.systemCode ? `${p.systemCode} – ${p.systemName}` : t("conflict.allSystems")}
                {p.closure ? <> {t("conflict.closure")}</> : null}
              </td>
              <td>
                {formatDateTime(p.startsAt)} – {formatDateTime(p.endsAt)}
                {p.repeats ? (
                  <>
                    <br />
                    {[
                      t(`admin.blackouts.repeats.${p.repeats}`),
                      // Stored as the midnight after the last day.
                      p.repeatUntil ? t("admin.blackouts.repeatsUntil", { date: formatDate(new Date(Date.parse(p.repeatUntil) - 1)) }) : "",
                    ].join(" ")}
                    {p.next ? (
                      <>
                        <br />
                        {t("admin.blackouts.next")} {formatDateTime(p.next.startsAt)} – {formatDateTime(p.next.endsAt)}
                      </>
                    ) : null}
                  </>
                ) : null}
                {p.past ? <span className="visually-hidden"> ({t("admin.blackouts.past")})</span> : null}
              </td>
              <td>{p.reason}</td>
              <td>
                <Form method="post">
                  <input type="hidden" name="id" value={p.id} />
                  <button type="submit" name="intent" value="delete" className="link-button">
                    {t("admin.blackouts.delete", { reason: p.reason })}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
