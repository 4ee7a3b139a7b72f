import { SelectField, TextField } from "~/components/forms";
import { useT, type Msg } from "~/i18n";
import type { SystemChoice } from "~/ui/system-filter";

/** The system filter (app/ui/system-filter.ts): a list of the systems when they are few, else a field to type a code or a name in. */
export function SystemFilterField({
  label,
  choices,
  value,
  typed,
  problem,
}: {
  label: string;
  choices: SystemChoice[] | null;
  value: string;
  typed: string;
  problem?: Msg;
}) {
  const { t } = useT();
  if (choices) {
    return (
      <SelectField label={label} name="system" defaultValue={value}>
        <option value="">{t("filter.system.all")}</option>
        {choices.map((s) => (
          <option key={s.code} value={s.code}>
            {`${s.code} – ${s.name}`}
          </option>
        ))}
      </SelectField>
    );
  }
  return <TextField label={label} name="system" hint={t("filter.system.hint")} defaultValue={typed} error={problem} autoComplete="off" />;
}
