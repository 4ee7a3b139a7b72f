import { Form, Link } from "@remix-run/react";

import { Checkbox, ErrorSummary, SelectField, TextArea, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import { INFORMATION_CLASSES } from "../../../machines/vocabulary";
import type { FieldErrors } from "~/ui/forms";
import { hasRole } from "~/access/roles";
import type { Role } from "../../../machines/vocabulary";

export type SystemFormChoices = {
  units: { id: number; name: string }[];
  suppliers: { id: number; name: string }[];
  people: { id: number; name: string; email: string; role: Role; extraRoles: Role[] }[];
};

type Values = Record<string, unknown>;

export function SystemForm({
  values,
  errors,
  choices,
  submitLabel,
}: {
  values: Values;
  errors?: FieldErrors;
  choices: SystemFormChoices;
  submitLabel: string;
}) {
  const { t } = useT();
  const v = (name: string) => (values[name] == null ? "" : String(values[name]));
  const checked = (name: string) => values[name] === true || values[name] === "on";
  const admins = new Set((values.administratorIds as unknown[] | undefined)?.map(Number) ?? []);
  return (
    <Form method="post" noValidate>
      <input type="hidden" name="intent" value="save" />
      <ErrorSummary errors={errors} />
      <TextField
        label={t("system.code")}
        hint={t("system.code.hint")}
        name="code"
        defaultValue={v("code")}
        error={errors?.code}
        required
        autoCapitalize="characters"
      />
      <TextField label={t("system.name")} name="name" defaultValue={v("name")} error={errors?.name} required />
      <TextArea label={t("system.description")} name="description" defaultValue={v("description")} error={errors?.description} optional />
      <SelectField label={t("system.ownerUnit")} name="ownerUnitId" defaultValue={v("ownerUnitId")} error={errors?.ownerUnitId} required>
        <option value="">{t("form.choose")}</option>
        {choices.units.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <SelectField label={t("system.ownerUser")} name="ownerUserId" defaultValue={v("ownerUserId")} error={errors?.ownerUserId} optional>
        <option value="">{t("form.none")}</option>
        {choices.people
          .filter((p) => hasRole(p, "system-owner"))
          .map((p) => (
            <option key={p.id} value={p.id}>
              {`${p.name} (${p.email})`}
            </option>
          ))}
      </SelectField>
      <fieldset aria-describedby={errors?.administratorIds ? "administrators-error" : undefined}>
        <legend>{t("system.administrators")}</legend>
        {errors?.administratorIds ? (
          <p id="administrators-error" className="field__error">
            {t(errors.administratorIds)}
          </p>
        ) : null}
        {choices.people
          .filter((p) => hasRole(p, "requester"))
          .map((p) => (
            <Checkbox key={p.id} label={`${p.name} (${p.email})`} name="administratorIds" value={String(p.id)} defaultChecked={admins.has(p.id)} />
          ))}
      </fieldset>
      <SelectField label={t("system.supplier")} name="supplierId" defaultValue={v("supplierId")} error={errors?.supplierId} optional>
        <option value="">{t("form.none")}</option>
        {choices.suppliers.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
      <Checkbox
        label={t("system.operatedByProvider")}
        name="operatedByProvider"
        defaultChecked={checked("operatedByProvider")}
        error={errors?.operatedByProvider}
      />
      <TextArea
        label={t("system.loginInstructions")}
        hint={t("system.loginInstructions.hint")}
        name="loginInstructions"
        defaultValue={v("loginInstructions")}
        error={errors?.loginInstructions}
        optional
      />
      <fieldset>
        <legend>{t("system.connectors")}</legend>
        <p className="field__hint">{t("system.connectors.hint")}</p>
        <TextField
          label={t("system.directoryGroupDn")}
          hint={t("system.directoryGroupDn.hint")}
          name="directoryGroupDn"
          defaultValue={v("directoryGroupDn")}
          error={errors?.directoryGroupDn}
          optional
          spellCheck={false}
          autoCapitalize="none"
        />
        <Checkbox
          label={t("system.openAutomatically")}
          name="openAutomatically"
          defaultChecked={checked("openAutomatically")}
          error={errors?.openAutomatically}
        />
        <SelectField
          label={t("system.monitoringSilence")}
          name="monitoringSilence"
          defaultValue={v("monitoringSilence") || "system"}
          error={errors?.monitoringSilence}
          required
        >
          {(["none", "system", "dependants"] as const).map((m) => (
            <option key={m} value={m}>
              {t(`system.monitoringSilence.${m}`)}
            </option>
          ))}
        </SelectField>
      </fieldset>
      <SelectField
        label={t("system.informationClass")}
        name="informationClass"
        defaultValue={v("informationClass") || "internal"}
        error={errors?.informationClass}
        required
      >
        {INFORMATION_CLASSES.map((c) => (
          <option key={c} value={c}>
            {t(`system.infoClass.${c}`)}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>{t("system.holdsPersonalData")}</legend>
        <Checkbox
          label={t("system.holdsPersonalData")}
          name="holdsPersonalData"
          defaultChecked={checked("holdsPersonalData")}
          error={errors?.holdsPersonalData}
        />
        <TextField label={t("system.dpaReference")} name="dpaReference" defaultValue={v("dpaReference")} error={errors?.dpaReference} optional />
        <TextField label={t("system.dpaExpiresOn")} name="dpaExpiresOn" type="date" defaultValue={v("dpaExpiresOn")} error={errors?.dpaExpiresOn} optional />
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button">
          {submitLabel}
        </button>
        <Link to="/admin/systems">{t("form.cancel")}</Link>
      </div>
    </Form>
  );
}
