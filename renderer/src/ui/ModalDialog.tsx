import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { describeError } from '../api/RpcCallError';
import { MessageText } from './MessageText';
import './dialogs.css';

interface ModalDialogProps {
  readonly title: string;
  readonly onClose: () => void;
  /** Submitting the form (Enter in a field or the primary button). */
  readonly onSubmit: () => void;
  readonly children: ReactNode;
  /** The buttons; the primary one should be `type="submit"`. Null when the body brings its own. */
  readonly actions: ReactNode | null;
  readonly wide?: boolean;
}

/**
 * A native modal <dialog>: the browser traps focus, Esc closes it and the page behind is inert.
 * The body is one form so Enter submits.
 */
export function ModalDialog({ title, onClose, onSubmit, children, actions, wide = false }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal--wide' : 'modal'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form className="modal__form" onSubmit={submit} noValidate>
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
        <div className="modal__body">{children}</div>
        {actions !== null && <div className="modal__actions">{actions}</div>}
      </form>
    </dialog>
  );
}

/** A dialog's usual buttons: Cancel (or Close), and the submit button that says when it is busy. */
export function DialogActions({
  onCancel,
  cancelLabel = 'Cancel',
  label,
  busyLabel,
  busy,
  disabled = false,
  danger = false,
}: {
  onCancel: () => void;
  cancelLabel?: string;
  label: string;
  busyLabel: string;
  busy: boolean;
  disabled?: boolean;
  danger?: boolean;
}) {
  return (
    <>
      <button type="button" className="button" onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" className={danger ? 'button button--danger' : 'button button--primary'} disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}

/** The server's answer to a failed action, in the dialog where it was asked. */
export function DialogError({ error, title }: { error: unknown; title: string }) {
  const { code, message, hint } = describeError(error);
  return (
    <div className="dialog-error" role="alert">
      <p className="dialog-error__title">{title}</p>
      <p className="dialog-error__message">
        <MessageText text={message} />
      </p>
      {hint && (
        <p className="dialog-error__hint">
          <MessageText text={hint} />
        </p>
      )}
      {code && <p className="dialog-error__code">{code}</p>}
    </div>
  );
}

/** A labelled form field with its own error line, wired for screen readers. */
export function Field({
  label,
  error,
  hint,
  children,
  id,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
  id: string;
}) {
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
