import { useT } from "~/i18n";
import type { WindowConnectorState } from "~/connectors/steps.server";

/**
 * What the directory and the monitoring did for a window, one line per step: done (with the group
 * or the silence's end), waiting, or failing (attempt, error, next try) — a failure in red, never
 * read as done.
 */
export function ConnectorStatus({ state }: { state: WindowConnectorState | null }) {
  const { t, formatDateTime } = useT();
  if (!state || !state.steps.length) return null;
  return (
    <ul className="connector-status" data-connectors={state.problem ?? state.pending ?? "done"}>
      {state.problem ? (
        <li>
          <strong className="field__error">{t(`connector.state.${state.problem}`)}</strong>
        </li>
      ) : null}
      {state.steps
        .filter((s) => !s.skipped)
        .map((s) => (
          <li key={s.id} data-step={`${s.connector}.${s.action}`} data-status={s.status}>
            {s.status === "done"
              ? t(`connector.done.${s.connector}.${s.action}`, {
                  group: s.group ?? "",
                  time: s.until ? formatDateTime(s.until) : "",
                })
              : s.status === "failed"
                ? t("connector.failed", {
                    what: t(`connector.what.${s.connector}.${s.action}`),
                    attempts: s.attempts,
                    error: s.lastError ?? "",
                    time: formatDateTime(s.nextAttemptAt),
                  })
                : t("connector.waiting", { what: t(`connector.what.${s.connector}.${s.action}`) })}
          </li>
        ))}
    </ul>
  );
}
