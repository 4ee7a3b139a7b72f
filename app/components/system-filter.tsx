import { SelectField, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import type { SystemFilter } from "~/ui/system-filter";

/** The system filter (app/ui/system-filter.ts): a list of the systems when they are few, else a field to type a code or a name in. */
export function SystemFilterField({ label, value, filter }: { label: string; value: string; filter: SystemFilter }) {
  const { choices, typed, problem } = filter;
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
