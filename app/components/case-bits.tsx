import { useT } from "~/i18n";
import type { CaseStatus } from "../../machines";

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
