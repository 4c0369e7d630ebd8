import { useId, useState } from 'react';
import { DialogActions, Field, ModalDialog } from '../../ui/ModalDialog';
import type { PendingConfirmation } from './useSqlRun';

/** Main said the text destroys data on a protected branch (or one whose protection is unknown): say what, and ask. */
export function ConfirmDestructive({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: PendingConfirmation;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { output, request } = pending;
  return (
    <ModalDialog
      title={output.protectedBranch ? 'Run destructive SQL on a protected branch?' : 'Run destructive SQL?'}
      onClose={onCancel}
      onSubmit={onConfirm}
      wide
      actions={<DialogActions onCancel={onCancel} label="Run anyway" busyLabel="Running…" busy={false} danger />}
    >
      <p>
        {output.protectedBranch
          ? 'This branch is protected, and this text destroys data or objects:'
          : 'Pier could not tell whether this branch is protected, and this text destroys data or objects:'}
      </p>
      <ul className="sql-view__destructive">
        {output.statements.map((s) => (
          <li key={s.start}>
            <code>{request.sql.slice(s.start, s.end)}</code>
            <span className="sql-view__meta"> — {s.reasons.join('; ')}</span>
          </li>
        ))}
      </ul>
      <p className="sql-view__meta">Nothing has run yet.</p>
    </ModalDialog>
  );
}

/** A name for a saved query: new, or renamed. */
export function NameDialog({
  title,
  initial,
  taken,
  replaces,
  onCancel,
  onSubmit,
}: {
  title: string;
  initial: string;
  taken: (name: string) => boolean;
  replaces: (name: string) => boolean;
  onCancel: () => void;
  onSubmit: (name: string) => void;
}) {
  const [name, setName] = useState(initial);
  const id = useId();
  const error = !name.trim() ? 'Give it a name.' : taken(name) ? 'Another saved query has this name.' : undefined;
  return (
    <ModalDialog
      title={title}
      onClose={onCancel}
      onSubmit={() => {
        if (!error) onSubmit(name);
      }}
      actions={
        <DialogActions
          onCancel={onCancel}
          label={replaces(name) ? 'Replace' : 'Save'}
          busyLabel="Saving…"
          busy={false}
          disabled={error !== undefined}
        />
      }
    >
      <Field
        label="Name"
        id={id}
        error={name ? error : undefined}
        hint={replaces(name) ? 'A saved query has this name: saving replaces its text.' : undefined}
      >
        <input id={id} className="input" autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      </Field>
    </ModalDialog>
  );
}
