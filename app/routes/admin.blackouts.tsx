import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { asc, desc, eq } from "drizzle-orm";
import { z } from "zod";

import { db } from "../../db/client";
import { blackoutPeriods, systems, type Role } from "../../db/schema";
import { ErrorSummary, Notice, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import { audit } from "~/audit/audit.server";
import { clientIp, requireRole } from "~/access/guards.server";
import { formObject, optionalId, text, validate, type FieldErrors } from "~/ui/forms";
import { parseId } from "~/http/ids";
import { title } from "~/ui/meta";
import { stockholmLocalToIso } from "../../machines/time";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * Blackout periods ("frysperioder"): times when no window may be planned, for one system or for
 * all. Conflict checks and the schedule read them; the service centre and administrators keep
 * them. Times are typed as Stockholm wall-clock time (datetime-local) and stored as instants.
 */
const ROLES: Role[] = ["admin", "service-centre"];

/** A datetime-local value ("2026-12-24T08:00", seconds tolerated) in Stockholm, as an instant. */
const stockholmLocal = z
  .string({ error: "validation.required" })
  .trim()
  .min(1, "validation.required")
  .transform((value, ctx) => {
    const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? value.slice(0, 16) : value;
    const iso = stockholmLocalToIso(local);
    if (!iso) {
      ctx.addIssue({ code: "custom", message: "validation.invalid" });
      return z.NEVER;
    }
    return new Date(iso);
  });

const blackoutSchema = z
  .object({
    systemId: optionalId,
    start: stockholmLocal,
    end: stockholmLocal,
    reason: text(200),
  })
  // zod runs an object's refinement even when a field failed: compare only two good instants.
  .refine((v) => !(v.start instanceof Date && v.end instanceof Date) || v.end.getTime() > v.start.getTime(), {
    path: ["end"],
    message: "case.window.endBeforeStart",
  });

export const meta: MetaFunction = ({ matches }) => title(matches, "admin.blackouts.title" as MessageKey);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ...ROLES);
  const [periods, systemOptions] = await Promise.all([
    db()
      .select({ id: blackoutPeriods.id, systemCode: systems.code, systemName: systems.name, startsAt: blackoutPeriods.startsAt, endsAt: blackoutPeriods.endsAt, reason: blackoutPeriods.reason })
      .from(blackoutPeriods)
      .leftJoin(systems, eq(systems.id, blackoutPeriods.systemId))
      .orderBy(desc(blackoutPeriods.startsAt), desc(blackoutPeriods.id)),
    db().select({ id: systems.id, code: systems.code, name: systems.name }).from(systems).where(eq(systems.active, true)).orderBy(asc(systems.code)),
  ]);
  const now = Date.now();
  return {
    periods: periods.map((p) => ({ ...p, startsAt: p.startsAt.toISOString(), endsAt: p.endsAt.toISOString(), past: p.endsAt.getTime() <= now })),
    systems: systemOptions,
  };
}

type Values = { systemId?: string; start?: string; end?: string; reason?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ROLES);
  const form = await readFormData(request, BODY_LIMITS.form);
  const ip = clientIp(context);
  switch (form.get("intent")) {
    case "create": {
      const raw = formObject(form);
      const values: Values = { systemId: String(raw.systemId ?? ""), start: String(raw.start ?? ""), end: String(raw.end ?? ""), reason: String(raw.reason ?? "") };
      const parsed = validate(blackoutSchema, raw);
      let errors: FieldErrors | undefined = parsed.ok ? undefined : parsed.fieldErrors;
      if (parsed.ok && parsed.value.systemId !== undefined) {
        const [system] = await db().select({ id: systems.id }).from(systems).where(eq(systems.id, parsed.value.systemId));
        if (!system) errors = { systemId: { key: "validation.choose" } };
      }
      if (!parsed.ok || errors) return data({ values, errors }, { status: 422 });
      const { systemId, start, end, reason } = parsed.value;
      const [row] = await db()
        .insert(blackoutPeriods)
        .values({ systemId: systemId ?? null, startsAt: start, endsAt: end, reason, createdById: user.id })
        .returning({ id: blackoutPeriods.id });
      await audit(db(), { action: "blackout.created", actorUserId: user.id, ip, detail: { blackoutId: row!.id, systemId: systemId ?? null, start: start.toISOString(), end: end.toISOString(), reason } });
      return redirect("/admin/blackouts?notice=created");
    }
    case "delete": {
      const id = parseId(form.get("id"));
      if (!id) throw new Response("Not found", { status: 404 });
      const [row] = await db().delete(blackoutPeriods).where(eq(blackoutPeriods.id, id)).returning();
      if (!row) throw new Response("Not found", { status: 404 });
      await audit(db(), {
        action: "blackout.deleted",
        actorUserId: user.id,
        ip,
        detail: { blackoutId: id, systemId: row.systemId, start: row.startsAt.toISOString(), end: row.endsAt.toISOString(), reason: row.reason },
      });
      return redirect("/admin/blackouts?notice=deleted");
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

const NOTICES: Record<string, string> = { created: "admin.blackouts.created", deleted: "admin.blackouts.deleted" };

export default function Blackouts() {
  const { t, formatDateTime } = useT();
  const { periods, systems: systemOptions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = NOTICES[searchParams.get("notice") ?? ""];
  const values: Values = result?.values ?? {};
  const errors = result?.errors;
  return (
    <>
      <h1>{t("admin.blackouts.title" as MessageKey)}</h1>
      <p className="lead">{t("admin.blackouts.intro" as MessageKey)}</p>
      {notice ? <Notice>{t(notice as MessageKey)}</Notice> : null}

      <section aria-labelledby="blackouts-list">
        <h2 id="blackouts-list">{t("admin.blackouts.list" as MessageKey)}</h2>
        {periods.length === 0 ? (
          <p className="muted">{t("admin.blackouts.none" as MessageKey)}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("admin.blackouts.system" as MessageKey)}</th>
                  <th scope="col">{t("admin.blackouts.start" as MessageKey)}</th>
                  <th scope="col">{t("admin.blackouts.end" as MessageKey)}</th>
                  <th scope="col">{t("admin.blackouts.reason" as MessageKey)}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("settings.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {periods.map((p) => (
                  <tr key={p.id} className={p.past ? "muted" : undefined}>
                    <td>{p.systemCode ? `${p.systemCode} – ${p.systemName}` : t("conflict.allSystems")}</td>
                    <td>{formatDateTime(p.startsAt)}</td>
                    <td>
                      {formatDateTime(p.endsAt)}
                      {p.past ? <span className="visually-hidden"> ({t("admin.blackouts.past" as MessageKey)})</span> : null}
                    </td>
                    <td>{p.reason}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="id" value={p.id} />
                        <button type="submit" name="intent" value="delete" className="link-button">
                          {t("admin.blackouts.delete" as MessageKey, { reason: p.reason })}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="blackouts-new">
        <h2 id="blackouts-new">{t("admin.blackouts.new" as MessageKey)}</h2>
        <ErrorSummary errors={errors} />
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="create" />
          <SelectField label={t("admin.blackouts.system" as MessageKey)} name="systemId" defaultValue={values.systemId ?? ""} error={errors?.systemId}>
            <option value="">{t("conflict.allSystems")}</option>
            {systemOptions.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {`${s.code} – ${s.name}`}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("admin.blackouts.start" as MessageKey)}
            hint={t("admin.blackouts.timeHint" as MessageKey)}
            name="start"
            type="datetime-local"
            defaultValue={values.start ?? ""}
            error={errors?.start}
            required
          />
          <TextField label={t("admin.blackouts.end" as MessageKey)} name="end" type="datetime-local" defaultValue={values.end ?? ""} error={errors?.end} required />
          <TextArea label={t("admin.blackouts.reason" as MessageKey)} name="reason" maxLength={200} rows={2} defaultValue={values.reason ?? ""} error={errors?.reason} required />
          <button type="submit" className="button">
            {t("form.create")}
          </button>
        </Form>
      </section>
    </>
  );
}
