import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { db } from "../../db/client";
import type { Role } from "../../db/schema";
import { Notice } from "~/components/forms";
import { ConnectorStatus } from "~/components/connector-status";
import { useT, type Msg } from "~/i18n";
import { requireRole } from "~/access/guards.server";
import { titled } from "~/ui/meta";
import { applyEvent } from "~/cases/commands.server";
import { formErrors, WorkflowError } from "~/cases/errors";
import { operationsBoard, type BoardRow as Row, type WindowItem } from "~/cases/windows.server";
import { accountTasks, type AccountTask } from "~/cases/standing-access.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";
import { hasRole } from "~/access/roles";

/**
 * Operations' work list ("driftens lista"): today and the next seven days (Stockholm), the
 * windows to open (grant access, suppress monitoring and alarms) and the open windows to close
 * (revoke access, restore monitoring), one click per step; late steps in red. Windows closed in
 * the last 24 hours stay listed as a reminder to restore monitoring. The service centre may look
 * on; only operations acts (the workflow service decides again on every click).
 */
const ROLES: Role[] = ["operations", "service-centre"];
const STEPS = ["GRANT", "REVOKE"] as const;
type Step = (typeof STEPS)[number];
/** A standing access's accounts: created after the consent, removed after it ended. */
const ACCOUNT_STEPS = ["ACCOUNT_CREATED", "ACCOUNT_REMOVED"] as const;
type AccountIntent = (typeof ACCOUNT_STEPS)[number];
const NOTICES = { GRANT: "granted", REVOKE: "revoked", ACCOUNT_CREATED: "accounts-created", ACCOUNT_REMOVED: "accounts-removed" } as const;

export const handle = titled("nav.operations");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ROLES);
  const [board, accounts] = await Promise.all([operationsBoard(db(), user), accountTasks(db(), user)]);
  return { canAct: hasRole(user, "operations"), ...board, accounts };
}

/** The refusal as the one message the row shows. */
const errorMessage = (error: WorkflowError): Msg =>
  formErrors(error, {
    fields: [],
    messages: {
      404: "operations.error.notFound",
      409: "operations.error.conflict",
      422: "window.event.refused",
      400: "window.event.refused",
    },
  })._form!;

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ROLES);
  const form = await readFormData(request, BODY_LIMITS.form);
  const intent = String(form.get("intent") ?? "");
  const caseNumber = String(form.get("caseNumber") ?? "")
    .trim()
    .toUpperCase()
    .slice(0, 40);
  const known = [...STEPS, ...ACCOUNT_STEPS] as readonly string[];
  if (!known.includes(intent) || !caseNumber) throw new Response("Unknown intent", { status: 400 });
  try {
    await applyEvent(db(), user, caseNumber, { type: intent as Step | AccountIntent });
  } catch (error) {
    if (error instanceof WorkflowError) return data({ caseNumber, intent, error: errorMessage(error) }, { status: error.status });
    throw error;
  }
  return redirect(`/operations?${new URLSearchParams({ notice: NOTICES[intent as keyof typeof NOTICES], case: caseNumber })}`);
}

export default function Operations() {
  const { t, formatDate } = useT();
  const { canAct, range, toOpen, toClose, closed, failing, accounts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  // An error for a window that no longer offers a step here is shown at the top instead.
  const withForm = canAct ? [...toOpen.filter((w) => w.grantable), ...toClose].map((w) => w.caseNumber).concat(accounts.map((a) => a.number)) : [];
  const orphanError = result && !withForm.includes(result.caseNumber) ? result : undefined;
  const notice = searchParams.get("notice");
  const noticeCase = searchParams.get("case") ?? "";
  return (
    <>
      <h1>{t("nav.operations")}</h1>
      <p>
        <a href="/operations.csv" download>
          {t("export.csv")}
        </a>
      </p>
      <p className="lead">{t("operations.intro", { from: formatDate(range.from), to: formatDate(range.to) })}</p>
      {notice === "granted" ? <Notice>{t("operations.granted", { number: noticeCase })}</Notice> : null}
      {notice === "revoked" ? <Notice>{t("operations.revoked", { number: noticeCase })}</Notice> : null}
      {notice === "accounts-created" ? <Notice>{t("operations.accounts.created", { number: noticeCase })}</Notice> : null}
      {notice === "accounts-removed" ? <Notice>{t("operations.accounts.removed", { number: noticeCase })}</Notice> : null}
      {orphanError ? (
        <div className="error-summary" role="alert">
          <p>
            {orphanError.caseNumber}: {t(orphanError.error as Msg)}
          </p>
        </div>
      ) : null}
      {canAct ? null : <p className="notice notice--info">{t("operations.viewOnly")}</p>}

      {failing.length ? (
        <section aria-labelledby="failing" className="board-alert" data-failing={failing.length}>
          <h2 id="failing" className="field__error">
            {t("operations.failing")} <span>({failing.length})</span>
          </h2>
          <p>{t("operations.failing.intro")}</p>
          <ul>
            {failing.map((w) => (
              <li key={w.id} data-window={w.id}>
                <Link to={`/cases/${w.caseNumber}`}>{w.caseNumber}</Link> {w.title} ({systemsText(w)})
                <ConnectorStatus state={w.connectors} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="to-open">
        <h2 id="to-open">{t("operations.toOpen", { count: toOpen.length })}</h2>
        {toOpen.length ? <WindowTable rows={toOpen} caption="to-open" canAct={canAct} /> : <p className="muted">{t("operations.toOpen.none")}</p>}
      </section>

      <section aria-labelledby="to-close">
        <h2 id="to-close">{t("operations.toClose", { count: toClose.length })}</h2>
        {toClose.length ? <WindowTable rows={toClose} caption="to-close" canAct={canAct} /> : <p className="muted">{t("operations.toClose.none")}</p>}
      </section>

      <section aria-labelledby="account-tasks">
        <h2 id="account-tasks">
          {t("operations.accounts")} <span className="muted">({accounts.length})</span>
        </h2>
        <p className="muted">{t("operations.accounts.intro")}</p>
        {accounts.length ? <AccountTable rows={accounts} canAct={canAct} /> : <p className="muted">{t("operations.accounts.none")}</p>}
      </section>

      <section aria-labelledby="recently-closed">
        <h2 id="recently-closed">{t("operations.recentlyClosed", { count: closed.length })}</h2>
        {closed.length ? <ClosedTable rows={closed} /> : <p className="muted">{t("operations.recentlyClosed.none")}</p>}
      </section>
    </>
  );
}

function SystemsCell({ w }: { w: WindowItem }) {
  const { t } = useT();
  return (
    <td data-label={t("operations.col.systems")}>
      <div>
        <strong>{w.system.code}</strong> {w.system.name}
      </div>
      {w.affectedSystems.length ? <div className="muted">+ {w.affectedSystems.join(", ")}</div> : null}
      {w.operatedByProvider ? <div className="muted">{t("operations.operatedByProvider")}</div> : null}
    </td>
  );
}

function ListCell({ items, label }: { items: string[]; label: string }) {
  if (!items.length) return <td data-label={label}>–</td>;
  return (
    <td data-label={label}>
      <ul>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </td>
  );
}

const systemsText = (w: WindowItem) => [w.system.code, ...w.affectedSystems].join(", ");

function WindowTable({ rows, caption, canAct }: { rows: Row[]; caption: string; canAct: boolean }) {
  const { t, formatDateTime } = useT();
  return (
    <div className="table-wrap">
      <table className="stack" aria-labelledby={caption}>
        <thead>
          <tr>
            <th scope="col">{t("operations.col.case")}</th>
            <th scope="col">{t("operations.col.systems")}</th>
            <th scope="col">{t("review.window")}</th>
            <th scope="col">{t("request.accounts")}</th>
            <th scope="col">{t("request.supplierPeople")}</th>
            <th scope="col">{t("operations.col.monitoring")}</th>
            <th scope="col">{t("operations.col.step")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.id} className={w.overdue ? "row--urgent" : undefined} data-window={w.id} data-overdue={w.overdue ? "true" : undefined}>
              <th scope="row">
                <Link to={`/cases/${w.caseNumber}`}>{w.caseNumber}</Link>
                <div>{w.title}</div>
                {w.supplier ? <div className="muted">{w.supplier.name}</div> : null}
              </th>
              <SystemsCell w={w} />
              <td data-label={t("review.window")}>
                {formatDateTime(w.start)} – {formatDateTime(w.end)}
                {w.pendingExtension ? <div className="muted">{t("operations.pendingExtension", { end: formatDateTime(w.pendingExtension.end) })}</div> : null}
                {w.overdue ? (
                  <div>
                    <strong className="field__error">
                      {w.status === "scheduled"
                        ? t("operations.overdue.open", { time: formatDateTime(w.start) })
                        : t("operations.overdue.close", { time: formatDateTime(w.end) })}
                    </strong>
                  </div>
                ) : null}
              </td>
              <ListCell items={w.accounts} label={t("request.accounts")} />
              <ListCell items={w.supplierPeople} label={t("request.supplierPeople")} />
              <td data-label={t("operations.col.monitoring")}>
                {w.monitoringSuppressed && w.grantedAt
                  ? t("operations.monitoring.suppressed", { systems: systemsText(w), time: formatDateTime(w.grantedAt) })
                  : t("operations.monitoring.suppress", { systems: systemsText(w) })}
              </td>
              <td data-label={t("operations.col.step")}>
                <StepCell w={w} canAct={canAct} />
                <ConnectorStatus state={w.connectors} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StepCell({ w, canAct }: { w: Row; canAct: boolean }) {
  const { t, formatDateTime } = useT();
  const step: Step | null = w.status === "open" ? "REVOKE" : w.grantable ? "GRANT" : null;
  if (!step && w.ended) return <span className="muted">{t("operations.endedUnopened")}</span>;
  if (!step) return <span className="muted">{t("operations.grantFrom", { time: formatDateTime(w.grantFrom) })}</span>;
  if (!canAct) return <span className="muted">{t(step === "GRANT" ? "operations.grant" : "operations.revoke")}</span>;
  return <StepForm caseNumber={w.caseNumber} step={step} />;
}

function AccountTable({ rows, canAct }: { rows: AccountTask[]; canAct: boolean }) {
  const { t, formatDateTime } = useT();
  return (
    <div className="table-wrap">
      <table className="stack" aria-labelledby="account-tasks">
        <thead>
          <tr>
            <th scope="col">{t("operations.col.case")}</th>
            <th scope="col">{t("operations.col.systems")}</th>
            <th scope="col">{t("operations.col.task")}</th>
            <th scope="col">{t("request.accounts")}</th>
            <th scope="col">{t("request.supplierPeople")}</th>
            <th scope="col">{t("operations.col.due")}</th>
            <th scope="col">{t("operations.col.step")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.number} className={a.overdue ? "row--urgent" : undefined} data-account-task={a.number} data-overdue={a.overdue ? "true" : undefined}>
              <th scope="row">
                <Link to={`/cases/${a.number}`}>{a.number}</Link>
                <div>{a.title}</div>
                {a.supplier ? <div className="muted">{a.supplier}</div> : null}
              </th>
              <td data-label={t("operations.col.systems")}>
                <strong>{a.system.code}</strong> {a.system.name}
              </td>
              <td data-label={t("operations.col.task")}>{t(a.kind === "create" ? "operations.accounts.create" : "operations.accounts.remove")}</td>
              <ListCell items={a.accounts} label={t("request.accounts")} />
              <ListCell items={a.supplierPeople} label={t("request.supplierPeople")} />
              <td data-label={t("operations.col.due")}>
                {a.overdue ? (
                  <strong className="field__error">{t("operations.accounts.overdue", { at: formatDateTime(a.dueAt) })}</strong>
                ) : (
                  t("operations.accounts.due", { at: formatDateTime(a.dueAt) })
                )}
              </td>
              <td data-label={t("operations.col.step")}>
                {canAct ? (
                  <StepForm caseNumber={a.number} step={a.kind === "create" ? "ACCOUNT_CREATED" : "ACCOUNT_REMOVED"} />
                ) : (
                  <span className="muted">{t(a.kind === "create" ? "case.action.ACCOUNT_CREATED" : "case.action.ACCOUNT_REMOVED")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STEP_LABELS = {
  GRANT: "operations.grant",
  REVOKE: "operations.revoke",
  ACCOUNT_CREATED: "case.action.ACCOUNT_CREATED",
  ACCOUNT_REMOVED: "case.action.ACCOUNT_REMOVED",
} as const;

function StepForm({ caseNumber, step }: { caseNumber: string; step: Step | AccountIntent }) {
  const { t } = useT();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("caseNumber") === caseNumber;
  // A stale click (the window moved on meanwhile) shows its error at the step the row offers now.
  const error = result && result.caseNumber === caseNumber ? result.error : undefined;
  const errorId = `step-error-${caseNumber}`;
  const label = t(STEP_LABELS[step]);
  return (
    <Form method="post" className="step-form">
      <input type="hidden" name="caseNumber" value={caseNumber} />
      {error ? (
        <p id={errorId} className="field__error" role="alert">
          {t(error as Msg)}
        </p>
      ) : null}
      <button
        type="submit"
        name="intent"
        value={step}
        className={`button${step === "REVOKE" ? " button--danger" : ""}`}
        disabled={busy}
        aria-describedby={error ? errorId : undefined}
        aria-label={`${label}: ${caseNumber}`}
      >
        {label}
      </button>
    </Form>
  );
}

function ClosedTable({ rows }: { rows: Row[] }) {
  const { t, formatDateTime } = useT();
  return (
    <div className="table-wrap">
      <table className="stack" aria-labelledby="recently-closed">
        <thead>
          <tr>
            <th scope="col">{t("operations.col.case")}</th>
            <th scope="col">{t("operations.col.systems")}</th>
            <th scope="col">{t("review.window")}</th>
            <th scope="col">{t("operations.col.closed")}</th>
            <th scope="col">{t("request.accounts")}</th>
            <th scope="col">{t("operations.col.monitoring")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.id} data-window={w.id}>
              <th scope="row">
                <Link to={`/cases/${w.caseNumber}`}>{w.caseNumber}</Link>
                <div>{w.title}</div>
              </th>
              <SystemsCell w={w} />
              <td data-label={t("review.window")}>
                {formatDateTime(w.start)} – {formatDateTime(w.end)}
              </td>
              <td data-label={t("operations.col.closed")}>
                {w.closedAt ? formatDateTime(w.closedAt) : "–"}
                {w.closedBy ? <div className="muted">{t(`operations.closedBy.${w.closedBy}`)}</div> : null}
              </td>
              <ListCell items={w.accounts} label={t("request.accounts")} />
              <td data-label={t("operations.col.monitoring")}>
                {w.connectors?.steps.some((s) => s.connector === "monitoring" && s.action === "revoke" && s.status === "done") ? (
                  t("operations.monitoring.restored")
                ) : (
                  <strong>{t("operations.monitoring.restore", { systems: systemsText(w) })}</strong>
                )}
                <ConnectorStatus state={w.connectors} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
