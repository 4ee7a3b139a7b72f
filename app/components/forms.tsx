import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

import { useT, type Msg } from "~/i18n";

/**
 * Form fields that wire label, hint and error together: the error is tied to the control with
 * aria-describedby and aria-invalid, so screen readers announce it with the field.
 */
type Common = { label: string; hint?: string; error?: Msg; optional?: boolean };

function useFieldIds(name: string | undefined) {
  const id = useId();
  const base = `${name ?? "field"}-${id}`;
  return { id: base, hintId: `${base}-hint`, errorId: `${base}-error` };
}

function Describe({ hint, error, hintId, errorId }: { hint?: string; error?: Msg; hintId: string; errorId: string }) {
  const { t } = useT();
  return (
    <>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field__error">
          {t(error)}
        </p>
      ) : null}
    </>
  );
}

/** The control's description: its hint, its error and whatever else the page points it at (never instead of the error). */
function describedBy(hint: unknown, error: unknown, hintId: string, errorId: string, extra?: string) {
  return [hint ? hintId : "", error ? errorId : "", extra ?? ""].filter(Boolean).join(" ") || undefined;
}

function LabelText({ label, optional }: { label: string; optional?: boolean }) {
  const { t } = useT();
  return (
    <>
      {label}
      {optional ? <span className="field__optional"> {t("form.optional")}</span> : null}
    </>
  );
}

export const TextField = forwardRef<HTMLInputElement, Common & InputHTMLAttributes<HTMLInputElement>>(function TextField(
  { label, hint, error, optional, "aria-describedby": extra, ...input },
  ref,
) {
  const ids = useFieldIds(input.name);
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={ids.id}>
        <LabelText label={label} optional={optional} />
      </label>
      <Describe hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
      <input
        ref={ref}
        id={ids.id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId, extra)}
      />
    </div>
  );
});

export const TextArea = forwardRef<HTMLTextAreaElement, Common & TextareaHTMLAttributes<HTMLTextAreaElement>>(function TextArea(
  { label, hint, error, optional, "aria-describedby": extra, ...input },
  ref,
) {
  const ids = useFieldIds(input.name);
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={ids.id}>
        <LabelText label={label} optional={optional} />
      </label>
      <Describe hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
      <textarea
        ref={ref}
        id={ids.id}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId, extra)}
        {...input}
      />
    </div>
  );
});

export const SelectField = forwardRef<HTMLSelectElement, Common & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }>(function SelectField(
  { label, hint, error, optional, children, "aria-describedby": extra, ...select },
  ref,
) {
  const ids = useFieldIds(select.name);
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={ids.id}>
        <LabelText label={label} optional={optional} />
      </label>
      <Describe hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
      <select
        ref={ref}
        id={ids.id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId, extra)}
        {...select}
      >
        {children}
      </select>
    </div>
  );
});

export const Checkbox = forwardRef<HTMLInputElement, Common & InputHTMLAttributes<HTMLInputElement>>(function Checkbox(
  { label, hint, error, "aria-describedby": extra, ...input },
  ref,
) {
  const ids = useFieldIds(input.name);
  return (
    <div className={`field field--checkbox${error ? " field--invalid" : ""}`}>
      <input
        ref={ref}
        type="checkbox"
        id={ids.id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids.hintId, ids.errorId, extra)}
        {...input}
      />
      <label htmlFor={ids.id}>{label}</label>
      <Describe hint={hint} error={error} hintId={ids.hintId} errorId={ids.errorId} />
    </div>
  );
});

/** A summary at the top of a form that failed on the server; focus moves here so it is read out. */
export function ErrorSummary({ errors }: { errors: Partial<Record<string, Msg>> | undefined }) {
  const { t } = useT();
  if (!errors) return null;
  const count = Object.keys(errors).length;
  if (count === 0) return null;
  const formError = errors._form;
  return (
    <div className="error-summary" role="alert" tabIndex={-1}>
      <p>{formError ? t(formError) : t("validation.formErrors", { count })}</p>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}
