import { Form, useNavigation } from "@remix-run/react";

import { Checkbox, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type MessageKey } from "~/i18n";
import type { FieldErrors } from "~/ui/forms";

/** Which fields each event's form asks for. */
const NEEDS_REASON = new Set(["RETURN", "REJECT", "CAB_REJECT", "REFUSE_CONSENT", "REVOKE", "REFUSE_EXTENSION", "REQUEST_EXTENSION"]);
const OPTIONAL_REASON = new Set(["CANCEL", "APPROVE", "CAB_APPROVE", "CAB_APPROVE_WITH_CONDITIONS", "RECLASSIFY", "END", "APPROVE_EXTENSION", "CONSENT", "REVIEW", "CLOSE"]);
const DANGER = new Set(["REJECT", "CAB_REJECT", "CANCEL", "REFUSE_CONSENT", "REVOKE", "REFUSE_EXTENSION"]);

/**
 * One small form per event the person may send now (the server's `allowedEvents`). The server
 * decides again on submit; refusals come back as errors at the form's fields.
 */
export function EventForm({
  event,
  caseType,
  conflicts,
  errors,
  longWindow,
}: {
  event: string;
  caseType: string;
  conflicts: number;
  errors?: FieldErrors;
  longWindow: boolean;
}) {
  const { t } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === event;
  const approving = event === "APPROVE" || event === "CAB_APPROVE" || event === "CAB_APPROVE_WITH_CONDITIONS" || event === "APPROVE_EXTENSION";
  const reasonLabel = approving && conflicts > 0 ? t("case.action.conflictReason", { count: conflicts }) : t("case.action.reason");
  return (
    <Form method="post" className="event-form" noValidate>
      <input type="hidden" name="intent" value={event} />
      <h3>{t(`case.action.${event}` as MessageKey)}</h3>
      {event === "CAB_APPROVE_WITH_CONDITIONS" ? <TextArea label={t("case.action.conditions")} name="conditions" rows={2} error={errors?.conditions} required /> : null}
      {event === "REPORT_OUTCOME" ? (
        <>
          <SelectField label={t("case.action.outcome")} name="outcome" error={errors?.outcome} required defaultValue="">
            <option value="">{t("form.choose")}</option>
            {(caseType === "emergency" ? ["resolved", "needs-change", "not-resolved"] : ["successful", "failed", "rolled-back"]).map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <TextArea label={t("case.action.comment")} name="comment" rows={2} error={errors?.comment} optional />
        </>
      ) : null}
      {event === "REQUEST_EXTENSION" ? <TextField label={t("case.action.newEnd")} hint={t("request.timeHint")} type="datetime-local" name="end" error={errors?.end} required /> : null}
      {(approving && (event === "APPROVE" || event === "CAB_APPROVE" || event === "CAB_APPROVE_WITH_CONDITIONS")) && longWindow ? (
        <Checkbox label={t("case.action.allowLongWindow")} name="allowLongWindow" value="true" error={errors?.allowLongWindow} />
      ) : null}
      {NEEDS_REASON.has(event) || OPTIONAL_REASON.has(event) ? (
        <TextArea
          label={reasonLabel}
          name="reason"
          rows={2}
          error={errors?.reason}
          optional={!NEEDS_REASON.has(event) && !(approving && conflicts > 0)}
          required={NEEDS_REASON.has(event) || (approving && conflicts > 0)}
        />
      ) : null}
      {errors?._form ? (
        <p className="field__error" role="alert">
          {t(errors._form)}
        </p>
      ) : null}
      <button type="submit" className={`button ${DANGER.has(event) ? "button--danger" : ""}`} disabled={busy}>
        {t(`case.action.${event}` as MessageKey)}
      </button>
    </Form>
  );
}
