import { Checkbox, SelectField, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import type { FieldErrors } from "~/ui/forms";

export type PersonChoices = {
  roles: string[];
  organisations: { id: number; name: string; kind: string }[];
  systems: { id: number; code: string; name: string }[];
};

/** Name, role, organisation and systems of a person: shared by the invite and edit forms. */
export function PersonFields({ values, errors, choices }: { values: Record<string, unknown>; errors?: FieldErrors; choices: PersonChoices }) {
  const { t } = useT();
  const v = (name: string) => (values[name] == null ? "" : String(values[name]));
  const chosen = new Set(((values.systemIds as unknown[] | undefined) ?? []).map(Number));
  const extra = new Set(((values.extraRoles as unknown[] | undefined) ?? []).map(String));
  // Extra roles are the municipality's: a supplier holds one role.
  const extraChoices = choices.roles.filter((role) => role !== "supplier");
  return (
    <>
      <TextField label={t("user.name")} name="name" defaultValue={v("name")} error={errors?.name} required autoComplete="off" />
      <SelectField label={t("user.role")} name="role" defaultValue={v("role")} error={errors?.role} required>
        <option value="">{t("form.choose")}</option>
        {choices.roles.map((role) => (
          <option key={role} value={role}>
            {t(`role.${role}` as never)}
          </option>
        ))}
      </SelectField>
      {extraChoices.length > 1 ? (
        <fieldset aria-describedby={errors?.extraRoles ? "extra-roles-error" : "extra-roles-hint"}>
          <legend>{t("user.extraRoles")}</legend>
          <p id="extra-roles-hint" className="field__hint">
            {t("user.extraRolesHint")}
          </p>
          {errors?.extraRoles ? (
            <p id="extra-roles-error" className="field__error">
              {t(errors.extraRoles)}
            </p>
          ) : null}
          {extraChoices.map((role) => (
            <Checkbox key={role} label={t(`role.${role}` as never)} name="extraRoles" value={role} defaultChecked={extra.has(role)} />
          ))}
        </fieldset>
      ) : null}
      <SelectField
        label={t("user.organisation")}
        hint={t("user.organisationHint")}
        name="organisationId"
        defaultValue={v("organisationId")}
        error={errors?.organisationId}
        required
      >
        <option value="">{t("form.choose")}</option>
        {choices.organisations.map((o) => (
          <option key={o.id} value={o.id}>
            {`${o.name} (${t(`org.kind.${o.kind}` as never)})`}
          </option>
        ))}
      </SelectField>
      {choices.systems.length ? (
        <SelectField
          label={t("user.systems")}
          hint={t("user.systemsHint")}
          name="systemIds"
          multiple
          size={Math.min(8, choices.systems.length)}
          defaultValue={[...chosen].map(String)}
          error={errors?.systemIds}
          optional
        >
          {choices.systems.map((s) => (
            <option key={s.id} value={s.id}>
              {`${s.code} – ${s.name}`}
            </option>
          ))}
        </SelectField>
      ) : null}
    </>
  );
}
