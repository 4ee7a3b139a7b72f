import { Form, useNavigation } from "@remix-run/react";

import { MAX_CONSENT_MONTHS, type EventNeeds } from "../../machines/rules";
import { Checkbox, SelectField, TextArea, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import type { FieldErrors } from "~/ui/forms";
import type { EventInput } from "~/cases/schemas";

/** Events whose button is drawn as a warning (a presentation choice, not a rule). */
const DANGER = new Set(["REJECT", "CAB_REJECT", "CANCEL", "REFUSE_CONSENT", "REVOKE", "REFUSE_EXTENSION"]);

/**
 * One small form per event the person may send now (the server's `allowedEvents`), asking for
 * exactly what the rules say the event needs (`needs`, from machines/rules.ts `needsOf`). The
 * server decides again on submit; refusals come back as errors at the form's fields.
 */
export function EventForm({
  event,
  needs,
  conflicts,
  errors,
  defaultEnd,
}: {
  event: EventInput["type"];
  needs: EventNeeds;
  conflicts: number;
  errors?: FieldErrors;
  /** The end the form starts from (an extension's: the one asked for), as datetime-local. */
  defaultEnd?: string;
}) {
  const { t } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === event;
  const reasonLabel = needs.conflictReason ? t("case.action.conflictReason", { count: conflicts }) : t("case.action.reason");
  return (
    <Form method="post" className="event-form" noValidate>
      <input type="hidden" name="intent" value={event} />
      <h3>{t(`case.action.${event}`)}</h3>
      {needs.conditions ? <TextArea label={t("case.action.conditions")} name="conditions" rows={2} error={errors?.conditions} required /> : null}
      {needs.outcomes ? (
        <>
          <SelectField label={t("case.action.outcome")} name="outcome" error={errors?.outcome} required defaultValue="">
            <option value="">{t("form.choose")}</option>
            {needs.outcomes.map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}`)}
              </option>
            ))}
          </SelectField>
          <TextArea label={t("case.action.comment")} name="comment" rows={2} error={errors?.comment} optional />
        </>
      ) : null}
      {needs.newEnd ? (
        <TextField label={t("case.action.newEnd")} hint={t("request.timeHint")} type="datetime-local" name="end" error={errors?.end} required />
      ) : null}
      {needs.grantEnd ? (
        <TextField
          label={t("case.action.grantEnd")}
          hint={t("case.action.grantEndHint")}
          type="datetime-local"
          name="end"
          defaultValue={defaultEnd}
          max={defaultEnd}
          error={errors?.end}
          required
        />
      ) : null}
      {needs.newWindow ? (
        <>
          <p className="field__hint">{t("case.action.proposeHint")}</p>
          <TextField
            label={t("case.action.newStart")}
            hint={t("request.timeHint")}
            type="datetime-local"
            name="start"
            error={errors?.["window.start"] ?? errors?.start}
            required
          />
          <TextField label={t("case.action.newWindowEnd")} type="datetime-local" name="end" error={errors?.["window.end"] ?? errors?.end} required />
        </>
      ) : null}
      {needs.consentUntil ? <ConsentUntilField latest={needs.consentUntil} error={errors?.until} /> : null}
      {needs.allowLongWindow ? <Checkbox label={t("case.action.allowLongWindow")} name="allowLongWindow" value="true" error={errors?.allowLongWindow} /> : null}
      {needs.freezeOverride ? <Checkbox label={t("case.action.overrideFreeze")} name="overrideFreeze" value="true" error={errors?.overrideFreeze} /> : null}
      {needs.reason !== "none" ? (
        <TextArea
          label={reasonLabel}
          name="reason"
          rows={2}
          error={errors?.reason}
          optional={needs.reason === "optional"}
          required={needs.reason === "required"}
        />
      ) : null}
      {errors?._form ? (
        <p className="field__error" role="alert">
          {t(errors._form)}
        </p>
      ) : null}
      <button type="submit" className={`button ${DANGER.has(event) ? "button--danger" : ""}`} disabled={busy}>
        {t(`case.action.${event}`)}
      </button>
    </Form>
  );
}

/** A consent's last day: at most a year ahead, which is also where it starts (the owner's page and the case page). */
export function ConsentUntilField({ latest, error, value }: { latest: string; error?: FieldErrors[string]; value?: string }) {
  const { t } = useT();
  return (
    <TextField
      label={t("consent.until")}
      hint={t("consent.untilHint", { months: MAX_CONSENT_MONTHS, date: latest })}
      type="date"
      name="until"
      defaultValue={value ?? latest}
      max={latest}
      error={error}
      required
    />
  );
}
