import { Link } from "@remix-run/react";

import { useT } from "~/i18n";
import type { CaseStatus } from "../../machines";
import type { Conflict } from "~/cases/conflicts.server";
import type { AccountStep } from "../../machines/standing-access";
import type { ClockState } from "../../machines/sla";

/** A case's status in plain words, as a badge. */
export function StatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useT();
  const tone =
    status === "approved" || status === "window-open" || status === "active" || status === "closed"
      ? "badge--ok"
      : status === "returned" || status === "window-closed" || status === "review-due"
        ? "badge--attention"
        : status === "rejected" || status === "cancelled" || status === "revoked" || status === "refused"
          ? "badge--muted"
          : "";
  return <span className={`badge ${tone}`}>{t(`status.${status}`)}</span>;
}

/** A window's start and end in Stockholm time. */
export function WindowText({ window }: { window: { start: string; end: string } | null }) {
  const { formatDateTime } = useT();
  if (!window) return <>–</>;
  return (
    <>
      {formatDateTime(window.start)} – {formatDateTime(window.end)}
    </>
  );
}

/**
 * A window's conflicts, one line each: the other case (or the freeze), its system, how it is
 * related (with the dependency chain) or the freeze's reason, and its window. The case page, the
 * CAB's agenda and the request form (before anything is submitted) show the same list.
 */
export function ConflictList({ conflicts, empty }: { conflicts: readonly Conflict[]; empty?: string }) {
  const { t } = useT();
  if (!conflicts.length) return <p className="muted">{empty ?? t("case.noConflicts")}</p>;
  return (
    <ul className="conflicts">
      {conflicts.map((c, i) => (
        <li key={c.number ?? `blackout-${i}`} className={c.relation === "blackout" ? "conflicts__freeze" : undefined}>
          {c.number ? <Link to={`/cases/${c.number}`}>{c.number}</Link> : <strong>{t("conflict.blackout")}</strong>} · {c.system ?? t("conflict.allSystems")}
          {c.closure ? ` ${t("conflict.closure")}` : ""} · {c.relation === "blackout" ? c.reason : `${t(`conflict.${c.relation}`)} (${c.path.join(" → ")})`} ·{" "}
          <WindowText window={c.window} />
        </li>
      ))}
    </ul>
  );
}

/** The first facts of a case in a `<dl className="facts">`: its system, supplier and requester. */
export function PartyFacts({
  system,
  supplier,
  requester,
}: {
  system: { code: string; name: string };
  supplier: { name: string } | null;
  requester: { name: string };
}) {
  const { t } = useT();
  return (
    <>
      <dt>{t("request.system")}</dt>
      <dd>
        {system.code} – {system.name}
      </dd>
      <dt>{t("request.supplier")}</dt>
      <dd>{supplier?.name ?? "–"}</dd>
      <dt>{t("case.requester")}</dt>
      <dd>{requester.name}</dd>
    </>
  );
}

/** Where one of a standing access's account steps stands (the case page, operations' board, the supplier's page). */
export function AccountStepText({ step, now = Date.now() }: { step: AccountStep; now?: number }) {
  const { t, formatDateTime } = useT();
  if (step.cancelledAt) return <>{t("case.accountStep.create.cancelled")}</>;
  if (step.doneAt) return <>{t(`case.accountStep.${step.kind}.done`, { at: formatDateTime(step.doneAt) })}</>;
  const late = Date.parse(step.dueAt) < now;
  return (
    <>
      {t(`case.accountStep.${step.kind}.pending`, { at: formatDateTime(step.dueAt) })}
      {late ? <strong className="field__error"> {t("case.accountStep.overdue")}</strong> : null}
    </>
  );
}

/** Where an incident's clock stands: due by, breached, met, or standing still (the queue, the case page). */
export function ClockText({ clock }: { clock: ClockState }) {
  const { t, formatDateTime } = useT();
  const at = clock.dueAt ? formatDateTime(clock.dueAt) : "";
  const text = t(`sla.${clock.clock}.${clock.state}`, { at });
  if (clock.state === "breached")
    return (
      <strong className="field__error" data-sla="breached">
        {text}
      </strong>
    );
  if (clock.warn)
    return (
      <strong className="conflict-count" data-sla="warn">
        {`${text} · ${t("sla.warn")}`}
      </strong>
    );
  return <span data-sla={clock.state}>{text}</span>;
}
