import { SelectField, TextField } from "~/components/forms";
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
