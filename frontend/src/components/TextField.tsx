import type { InputHTMLAttributes, ReactNode } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: ReactNode;
  /** Shown under the input (and announced with it) when set. */
  error?: string | null;
  /** Help text shown when there is no error. */
  hint?: ReactNode;
  /** Extra class on the wrapper, e.g. `field-narrow`. */
  fieldClassName?: string;
}

/** A labelled input with its error (or hint) wired up for screen readers: one place for every form. */
export function TextField({ id, label, error, hint, fieldClassName, ...input }: TextFieldProps) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={fieldClassName ? `field ${fieldClassName}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={!!error} aria-describedby={describedBy} {...input} />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
