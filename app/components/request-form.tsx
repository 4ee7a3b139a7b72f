import { Form, useBlocker, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useForm, type FieldErrors as RhfErrors, type Resolver } from "react-hook-form";

import { ConflictList } from "~/components/case-bits";
import { Checkbox, ErrorSummary, SelectField, TextArea, TextField } from "~/components/forms";
import { useT, type Msg } from "~/i18n";
import { validate, type FieldErrors } from "~/ui/forms";
import { mustPhone, priorityOf, RESPONSE_TARGETS, type Level } from "../../machines/priority";
import { stockholmLocalToIso } from "../../machines/time";
import type { FormCategory } from "~/cases/form-category";
import { requestFormSchema, typeOf, type Earliest, type RequestFormValues } from "~/cases/request-form";
import type { Conflict } from "~/cases/conflicts.server";

/** A system the requester may ask for, with the systems that depend on it (any number of steps): the form proposes them as affected. */
export type SystemChoice = { code: string; name: string; supplierName: string | null; dependants: string[] };

/**
 * One form per request category, validated in the browser by react-hook-form with the same zod
 * schema the server action checks again. Errors sit at their fields and are announced; a leave
 * with unsaved changes asks first.
 */
export function RequestForm({
  category,
  earliest,
  systems,
  allSystems,
  suppliers,
  serviceCentrePhone,
  defaultValues,
  serverErrors,
  allowDraft,
  submitLabel,
  hidden,
  caseNumber,
  standard = false,
}: {
  category: FormCategory;
  earliest: Earliest;
  systems: SystemChoice[];
  allSystems: { code: string; name: string }[];
  suppliers: { id: number; name: string }[];
  serviceCentrePhone: string | null;
  defaultValues: RequestFormValues;
  serverErrors?: FieldErrors;
  allowDraft: boolean;
  submitLabel: string;
  /** Extra fields posted with the form (the category, the case's version). */
  hidden?: Record<string, string>;
  /** The case being edited: its own window is no conflict. */
  caseNumber?: string;
  /** A standard change (a template the CAB approved): a simple change whatever it touches. */
  standard?: boolean;
}) {
  const { t, formatDate } = useT();
  const submit = useSubmit();
  const navigation = useNavigation();
  const intent = useRef<"draft" | "submit">("submit");
  // The same validation the action runs; each field's message (a key and its parameters) is kept
  // here, react-hook-form only learns that the field has one.
  const clientErrors = useRef<FieldErrors>({});
  const resolver: Resolver<RequestFormValues> = (values) => {
    const result = validate(requestFormSchema(category, intent.current, earliest, standard), values);
    clientErrors.current = result.ok ? {} : result.fieldErrors;
    if (result.ok) return { values: result.value, errors: {} };
    const errors: RhfErrors<RequestFormValues> = Object.fromEntries(
      Object.entries(result.fieldErrors).map(([field, m]) => [field, { type: "validate", message: m?.key }]),
    );
    return { values: {}, errors };
  };
  const form = useForm<RequestFormValues>({ resolver, defaultValues, mode: "onTouched" });
  const { register, watch, formState, handleSubmit } = form;
  // The server renders each field with its value too: the form is whole before (and without) the script.
  type TextName = Exclude<{ [K in keyof RequestFormValues]-?: RequestFormValues[K] extends string ? K : never }[keyof RequestFormValues], undefined>;
  const field = (name: TextName) => ({ ...register(name), defaultValue: defaultValues[name] });
  const check = (name: "bookedWithSupplier" | "affectsUsers") => ({ ...register(name), defaultChecked: defaultValues[name] });
  const submitting = useRef(false);

  // Leaving with unsaved changes asks first (in-app navigation and closing the tab alike).
  const dirty = formState.isDirty && !submitting.current;
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(t("request.unsaved"))) blocker.proceed();
    else blocker.reset();
  }, [blocker, t]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  useEffect(() => {
    if (navigation.state === "idle") submitting.current = false;
  }, [navigation.state]);

  const values = watch();
  const type = typeOf(category, values, standard);
  const system = systems.find((s) => s.code === values.systemCode);

  const proposed = new Set(system?.dependants ?? []);
  const live = useWindowConflicts(category === "change" ? values.systemCode : "", values.start, values.end, caseNumber);

  const error = (name: keyof RequestFormValues): Msg | undefined => {
    if (formState.errors[name]) return clientErrors.current[name] ?? { key: "validation.invalid" };
    return serverErrors?.[name];
  };
  // Values come back from the server as typed: only 1–3 make a priority.
  const level = (value: string) => (["1", "2", "3"].includes(value) ? (Number(value) as Level) : undefined);
  const urgency = level(values.urgency);
  const impact = level(values.impact);
  const priority = urgency && impact ? priorityOf(urgency, impact) : null;
  const lead = type === "simple-change" || type === "advanced-change" ? earliest[type] : null;
  const clientErrorCount = Object.keys(formState.errors).length;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const formElement = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    intent.current = submitter?.value === "draft" ? "draft" : "submit";
    void handleSubmit(() => {
      submitting.current = true;
      submit(new FormData(formElement, submitter), { method: "post" });
    })(event);
  }

  return (
    <Form method="post" noValidate onSubmit={onSubmit} className="request-form">
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ErrorSummary
        errors={
          clientErrorCount
            ? Object.fromEntries(Object.keys(formState.errors).map((k) => [k, clientErrors.current[k] ?? { key: "validation.invalid" }]))
            : serverErrors
        }
      />
      <fieldset>
        <legend>{t("request.what")}</legend>
        <TextField label={t("request.title")} {...field("title")} error={error("title")} required />
        <SelectField label={t("request.system")} hint={t("request.systemHint")} {...field("systemCode")} error={error("systemCode")} required>
          <option value="">{t("form.choose")}</option>
          {systems.map((s) => (
            <option key={s.code} value={s.code}>
              {`${s.code} – ${s.name}`}
            </option>
          ))}
        </SelectField>
        {category === "change" ? (
          <fieldset className="radio-group" aria-describedby={error("affectsOthers") ? "affects-hint affects-error" : "affects-hint"}>
            <legend>{t("request.affectsOthers")}</legend>
            <p id="affects-hint" className="field__hint">
              {t("request.affectsOthersHint")}
            </p>
            {error("affectsOthers") ? (
              <p id="affects-error" className="field__error">
                {t(error("affectsOthers")!)}
              </p>
            ) : null}
            <label>
              <input type="radio" value="no" {...register("affectsOthers")} defaultChecked={defaultValues.affectsOthers === "no"} />{" "}
              {t("request.affectsOthers.no")}
            </label>
            <label>
              <input type="radio" value="yes" {...register("affectsOthers")} defaultChecked={defaultValues.affectsOthers === "yes"} />{" "}
              {t("request.affectsOthers.yes")}
            </label>
          </fieldset>
        ) : null}
        <TextArea
          label={category === "standing-access" ? t("request.descriptionStanding") : t("request.description")}
          {...field("description")}
          error={error("description")}
          optional
        />
      </fieldset>

      {category === "emergency" ? (
        <fieldset>
          <legend>{t("request.priority")}</legend>
          <SelectField label={t("request.kind")} {...field("kind")}>
            <option value="incident">{t("request.kind.incident")}</option>
            <option value="service-request">{t("request.kind.service-request")}</option>
          </SelectField>
          <SelectField label={t("request.urgency")} hint={t("request.urgencyHint")} {...field("urgency")} error={error("urgency")} required>
            <option value="">{t("form.choose")}</option>
            {([1, 2, 3] as const).map((n) => (
              <option key={n} value={n}>
                {t(`request.level.${n}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("request.impact")} hint={t("request.impactHint")} {...field("impact")} error={error("impact")} required>
            <option value="">{t("form.choose")}</option>
            {([1, 2, 3] as const).map((n) => (
              <option key={n} value={n}>
                {t(`request.impactLevel.${n}`)}
              </option>
            ))}
          </SelectField>
          <div className="priority" role="status" aria-live="polite">
            {priority ? (
              <>
                <p className="priority__value">
                  <strong>{t("request.priorityIs", { priority })}</strong> {t(RESPONSE_TARGETS[priority].key)}
                </p>
                {mustPhone(priority) ? <p className="priority__phone">{t("request.phoneAlso", { phone: serviceCentrePhone ?? "–" })}</p> : null}
              </>
            ) : (
              <p className="muted">{t("request.priorityPending")}</p>
            )}
          </div>
          <TextField label={t("request.hours")} hint={t("request.hoursHint")} inputMode="decimal" {...field("hours")} error={error("hours")} />
        </fieldset>
      ) : null}

      {category === "change" ? (
        <fieldset>
          <legend>{t("request.window")}</legend>
          <p className="notice notice--info" id="earliest">
            {lead
              ? t("request.earliest", { date: formatDate(lead), iso: lead, days: type === "advanced-change" ? 10 : 3 })
              : t("request.earliestPending", { simple: formatDate(earliest["simple-change"]), advanced: formatDate(earliest["advanced-change"]) })}
          </p>
          <TextField
            label={t("request.start")}
            hint={t("request.timeHint")}
            type="datetime-local"
            min={lead ? `${lead}T00:00` : undefined}
            {...field("start")}
            error={error("start")}
            required
            aria-describedby="earliest"
          />
          <TextField label={t("request.end")} type="datetime-local" {...field("end")} error={error("end")} required />
          <Checkbox label={t("request.booked")} {...check("bookedWithSupplier")} error={error("bookedWithSupplier")} />
          <section className="live-conflicts" aria-labelledby="live-conflicts-heading" aria-live="polite">
            <h3 id="live-conflicts-heading">{t("request.conflicts")}</h3>
            {live.state === "idle" ? (
              <p className="muted">{t("request.conflicts.pending")}</p>
            ) : live.state === "loading" ? (
              <p className="muted">{t("request.conflicts.loading")}</p>
            ) : live.state === "failed" ? (
              <p className="notice notice--warn">{t("request.conflicts.failed")}</p>
            ) : (
              <>
                {live.freezes ? <p className="notice notice--warn">{t("request.conflicts.freeze", { count: live.freezes })}</p> : null}
                {live.conflicts.length > live.freezes ? (
                  <p className="notice notice--info">{t("request.conflicts.others", { count: live.conflicts.length - live.freezes })}</p>
                ) : null}
                <ConflictList conflicts={live.conflicts} empty={t("request.conflicts.none")} />
              </>
            )}
          </section>
        </fieldset>
      ) : null}

      <fieldset>
        <legend>{t("request.who")}</legend>
        <SelectField label={t("request.supplier")} {...field("supplierId")} error={error("supplierId")}>
          <option value="">{system?.supplierName ? t("request.systemSupplier", { name: system.supplierName }) : t("request.systemSupplierNone")}</option>
          {suppliers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <TextArea
          label={t("request.supplierPeople")}
          hint={t("request.onePerLine")}
          rows={2}
          {...field("supplierPeople")}
          error={error("supplierPeople")}
          optional={category !== "standing-access"}
          required={category === "standing-access"}
        />
        <TextArea
          label={t("request.accounts")}
          hint={t("request.onePerLine")}
          rows={2}
          {...field("accounts")}
          error={error("accounts")}
          optional={category !== "standing-access"}
          required={category === "standing-access"}
        />
      </fieldset>

      {category === "change" ? (
        <fieldset>
          <legend>{t("request.change")}</legend>
          <TextArea label={t("request.reason")} {...field("reason")} error={error("reason")} required />
          <TextArea label={t("request.impactDescription")} {...field("impactDescription")} error={error("impactDescription")} optional />
          <fieldset className="checkbox-grid" aria-describedby={error("affectedSystems") ? "affected-error" : undefined}>
            <legend>
              {t("request.affectedSystems")} {type === "advanced-change" ? null : <span className="field__optional">{t("form.optional")}</span>}
            </legend>
            {error("affectedSystems") ? (
              <p id="affected-error" className="field__error">
                {t(error("affectedSystems")!)}
              </p>
            ) : null}
            {system && proposed.size ? (
              <p className="field__hint" id="affected-proposed">
                {t("request.affectedProposed", { system: system.code, count: proposed.size })}
              </p>
            ) : null}
            {/* The dependants of the chosen system first, marked; none ticked until the requester says so. */}
            {[...allSystems.filter((s) => proposed.has(s.code)), ...allSystems.filter((s) => !proposed.has(s.code) && s.code !== values.systemCode)].map(
              (s) => (
                <label key={s.code} className={proposed.has(s.code) ? "checkbox-grid__proposed" : undefined}>
                  <input type="checkbox" value={s.code} {...register("affectedSystems")} defaultChecked={defaultValues.affectedSystems.includes(s.code)} />{" "}
                  {s.code}
                  {proposed.has(s.code) ? <span className="field__optional"> {t("request.affectedProposedMark")}</span> : null}
                </label>
              ),
            )}
          </fieldset>
          <TextArea label={t("request.risk")} {...field("risk")} error={error("risk")} optional={type !== "advanced-change"} />
          <TextArea label={t("request.testPlan")} {...field("testPlan")} error={error("testPlan")} optional={type !== "advanced-change"} />
          <TextArea label={t("request.rollbackPlan")} {...field("rollbackPlan")} error={error("rollbackPlan")} optional={type !== "advanced-change"} />
          <Checkbox label={t("request.affectsUsers")} hint={t("request.affectsUsersHint")} {...check("affectsUsers")} />
          {values.affectsUsers ? (
            <TextArea label={t("request.publicDescription")} rows={2} {...field("publicDescription")} error={error("publicDescription")} optional />
          ) : null}
          <input type="hidden" {...field("linkedCase")} />
        </fieldset>
      ) : null}

      {category === "standing-access" ? (
        <fieldset>
          <legend>{t("request.standing")}</legend>
          <TextArea label={t("request.justification")} {...field("justification")} error={error("justification")} required />
          <TextField
            label={t("request.agreementReference")}
            hint={t("request.agreementHint")}
            {...field("agreementReference")}
            error={error("agreementReference")}
            required
          />
        </fieldset>
      ) : null}

      <fieldset>
        <legend>{t("request.references")}</legend>
        <TextField label={t("request.ticket")} {...field("ticket")} error={error("ticket")} optional />
        <TextField label={t("request.supplierTicket")} {...field("supplierTicket")} error={error("supplierTicket")} optional />
      </fieldset>

      <div className="button-row">
        <button type="submit" name="intent" value="submit" className="button" disabled={navigation.state === "submitting"}>
          {submitLabel}
        </button>
        {allowDraft ? (
          <button type="submit" name="intent" value="draft" className="button button--secondary" disabled={navigation.state === "submitting"}>
            {t("request.saveDraft")}
          </button>
        ) : null}
      </div>
    </Form>
  );
}

type LiveConflicts = { state: "idle" } | { state: "loading" } | { state: "failed" } | { state: "done"; conflicts: Conflict[]; freezes: number };

/**
 * The conflicts and freezes the window being typed would meet, asked of `GET /api/v1/conflicts`
 * (the query the service centre and the CAB see) a moment after the system, start or end last
 * changed; an answer to an earlier question is dropped.
 */
function useWindowConflicts(systemCode: string, start: string, end: string, caseNumber: string | undefined): LiveConflicts {
  const [live, setLive] = useState<LiveConflicts>({ state: "idle" });
  const from = stockholmLocalToIso(start);
  const to = stockholmLocalToIso(end);
  const query =
    systemCode && from && to && Date.parse(to) > Date.parse(from)
      ? new URLSearchParams({ system: systemCode, start: from, end: to, ...(caseNumber ? { exclude: caseNumber } : {}) }).toString()
      : "";
  useEffect(() => {
    if (!query) {
      setLive({ state: "idle" });
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setLive({ state: "loading" });
      fetch(`/api/v1/conflicts?${query}`, { signal: abort.signal, headers: { Accept: "application/json" } })
        .then(async (response) => {
          if (!response.ok) throw new Error(String(response.status));
          const found = (await response.json()) as { conflicts: Conflict[]; freezes: number };
          setLive({ state: "done", conflicts: found.conflicts, freezes: found.freezes });
        })
        .catch(() => {
          if (!abort.signal.aborted) setLive({ state: "failed" });
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query]);
  return live;
}
