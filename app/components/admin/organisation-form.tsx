import { Form, Link } from "@remix-run/react";

import { ErrorSummary, SelectField, TextField } from "~/components/forms";
import { useT } from "~/i18n";
import type { Organisation } from "../../../db/schema";
import { ORGANISATION_KINDS } from "../../../machines/vocabulary";
import type { FieldErrors } from "~/ui/forms";

type Values = Partial<Record<keyof Organisation, unknown>>;

export function OrganisationForm({ values, errors, submitLabel }: { values: Values; errors?: FieldErrors; submitLabel: string }) {
  const { t } = useT();
  const v = (name: keyof Organisation) => (values[name] == null ? "" : String(values[name]));
  return (
    <Form method="post" noValidate>
      <input type="hidden" name="intent" value="save" />
      <ErrorSummary errors={errors} />
      <TextField label={t("org.name")} name="name" defaultValue={v("name")} error={errors?.name} required autoComplete="organization" />
      <SelectField label={t("org.kind")} name="kind" defaultValue={v("kind")} error={errors?.kind} required>
        <option value="">{t("form.choose")}</option>
        {ORGANISATION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`org.kind.${kind}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t("org.mailbox")}
        hint={t("org.mailbox.hint")}
        name="mailbox"
        type="email"
        defaultValue={v("mailbox")}
        error={errors?.mailbox}
        required
        autoComplete="email"
      />
      <TextField label={t("org.phone")} name="phone" type="tel" defaultValue={v("phone")} error={errors?.phone} optional autoComplete="tel" />
      <TextField label={t("org.orgNumber")} name="orgNumber" defaultValue={v("orgNumber")} error={errors?.orgNumber} optional />
      <div className="button-row">
        <button type="submit" className="button">
          {submitLabel}
        </button>
        <Link to="/admin/organisations">{t("form.cancel")}</Link>
      </div>
    </Form>
  );
}
