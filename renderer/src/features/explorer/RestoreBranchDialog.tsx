import { useEffect, useId, useState } from 'react';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';
import { useFollowedOperation } from '../operations/useFollowedOperation';
import {
  checkRestoreForm,
  historyStart,
  initialRestoreForm,
  restoreRefusal,
  type RestoreBranchField,
  type RestoreBranchForm,
  type RestoreMode,
} from './restoreBranchForm';

interface RestoreBranchDialogProps {
  readonly mode: RestoreMode;
  readonly workspaceId: string;
  readonly branch: BranchSummary;
  /** The project's branches, to name the parent and show its history. */
  readonly branches: readonly BranchSummary[];
  readonly onClose: () => void;
}

/**
 * "Reset from parent…" and "Restore to a point in time…": one long-running operation that
 * replaces the branch's data (its endpoint keeps its host). The dialog stays open while it runs,
 * says so, and closes when it is done; the operations panel then refreshes the tree. Refused
 * branches (protected, cloud, a root without parent) get the reason and no button.
 */
export function RestoreBranchDialog({ mode, workspaceId, branch, branches, onClose }: RestoreBranchDialogProps) {
  const api = usePierApi();
  const id = useId();
  const [now] = useState(() => Date.now());
  const [form, setForm] = useState<RestoreBranchForm>(() => initialRestoreForm(mode, branch.id, now));
  const [errors, setErrors] = useState<Partial<Record<RestoreBranchField, string>>>({});
  const run = useFollowedOperation('cloud.restoreBranch', (input: Parameters<typeof cloudCommands.restoreBranch>[1]) =>
    cloudCommands.restoreBranch(api, input),
  );
  const state = run.operation?.state;
  useEffect(() => {
    if (state === 'succeeded') onClose();
  }, [state, onClose]);

  const refusal = restoreRefusal(mode, workspaceId, branch);
  const parent = branches.find((b) => b.name === branch.sourceBranch);
  const source = mode === 'reset' ? parent : branch;
  const sourceId = mode === 'reset' ? (parent?.id ?? branch.sourceBranch?.split('/').at(-1) ?? '') : branch.id;
  const from = historyStart(source, now);
  const set = <K extends keyof RestoreBranchForm>(key: K, value: RestoreBranchForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (key in errors) setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = () => {
    if (refusal || run.busy) return;
    const check = checkRestoreForm(form, { mode, workspaceId, branch }, Date.now());
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    run.start(check.input);
  };
  const fieldProps = (field: RestoreBranchField) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  const verb = mode === 'reset' ? 'Reset' : 'Restore';
  const running = run.busy && run.operation !== undefined;

  return (
    <ModalDialog
      title={mode === 'reset' ? `Reset ${branch.id} from parent` : `Restore ${branch.id} to a point in time`}
      onClose={onClose}
      onSubmit={submit}
      wide
      actions={
        <DialogActions
          onCancel={onClose}
          cancelLabel={refusal || run.error ? 'Close' : 'Cancel'}
          label={`${verb} branch`}
          busyLabel={mode === 'reset' ? 'Resetting…' : 'Restoring…'}
          busy={run.busy}
          disabled={refusal !== null}
          danger
        />
      }
    >
      {mode === 'reset' ? (
        <p>
          Every database of <strong>{branch.id}</strong> is replaced by its parent <strong>{sourceId}</strong>’s data. Changes made on{' '}
          {branch.id} are lost unless you keep them as a new branch below.
        </p>
      ) : (
        <p>
          <strong>{branch.id}</strong> goes back to its own data at the point you pick. Its current data is kept as a new branch, so the
          restore can be undone by resetting onto that branch.
        </p>
      )}
      <dl className="restore-facts">
        <dt>{mode === 'reset' ? 'Parent' : 'Branch'}</dt>
        <dd className="mono">{sourceId || '—'}</dd>
        <dt>History available</dt>
        <dd>
          {from.toLocaleString()} – now
          <span className="restore-facts__note"> (since {sourceId} was created or last reset, at most 7 days back)</span>
        </dd>
      </dl>
      {refusal ? (
        <p className="dialog-warning" role="alert">
          {refusal}
        </p>
      ) : (
        <>
          <fieldset className="fieldset">
            <legend className="fieldset__legend">{mode === 'reset' ? 'Reset to' : 'Restore to'}</legend>
            {mode === 'reset' && (
              <label className="choice">
                <input type="radio" name={`${id}-point`} checked={form.point === 'latest'} onChange={() => set('point', 'latest')} />
                The parent’s current data
              </label>
            )}
            <label className="choice">
              <input type="radio" name={`${id}-point`} checked={form.point === 'time'} onChange={() => set('point', 'time')} />A point in
              time
            </label>
            {form.point === 'time' && (
              <div className="choice__detail">
                <Field label="Time" id={`${id}-time`} error={errors.time}>
                  <input
                    type="datetime-local"
                    step="1"
                    {...fieldProps('time')}
                    value={form.time}
                    onChange={(e) => set('time', e.target.value)}
                  />
                </Field>
              </div>
            )}
            <label className="choice">
              <input type="radio" name={`${id}-point`} checked={form.point === 'lsn'} onChange={() => set('point', 'lsn')} />A log sequence
              number (LSN)
            </label>
            {form.point === 'lsn' && (
              <div className="choice__detail">
                <Field label="LSN" id={`${id}-lsn`} error={errors.lsn}>
                  <input
                    type="text"
                    className="mono"
                    placeholder="0/1A2B3C"
                    {...fieldProps('lsn')}
                    value={form.lsn}
                    onChange={(e) => set('lsn', e.target.value)}
                  />
                </Field>
              </div>
            )}
          </fieldset>
          {mode === 'reset' && (
            <label className="choice">
              <input type="checkbox" checked={form.preserve} onChange={(e) => set('preserve', e.target.checked)} />
              Keep {branch.id}’s current data as a new branch
            </label>
          )}
          {(mode === 'restore' || form.preserve) && (
            <Field
              label="Keep the current data as branch"
              id={`${id}-preserveName`}
              error={errors.preserveName}
              hint="To undo, reset onto this branch (Restore… with it as the source, or delete it when no longer needed)."
            >
              <input
                type="text"
                className="mono"
                spellCheck={false}
                autoComplete="off"
                {...fieldProps('preserveName')}
                value={form.preserveName}
                onChange={(e) => set('preserveName', e.target.value)}
              />
            </Field>
          )}
          <p className="restore-facts__note">
            Connections to {branch.id}’s endpoint are cut once while it runs; its host and port stay the same.
          </p>
        </>
      )}
      {running && (
        <p role="status" className="restore-progress">
          <span className="restore-progress__spinner" aria-hidden="true" />
          {mode === 'reset' ? 'Resetting' : 'Restoring'} {branch.id}… the branch shows as RESETTING until it is done.
        </p>
      )}
      {run.error !== null && <DialogError title={`The server refused to ${verb.toLowerCase()} the branch`} error={run.error} />}
      {state === 'stopped' && <p>Pier stopped waiting for this operation; the server may still finish it.</p>}
    </ModalDialog>
  );
}
