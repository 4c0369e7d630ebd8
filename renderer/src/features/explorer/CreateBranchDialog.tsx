import { useId, useState } from 'react';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands, useStartOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { checkCreateBranchForm, initialCreateBranchForm, type CreateBranchField, type CreateBranchForm } from './createBranchForm';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';

interface CreateBranchDialogProps {
  readonly workspaceId: string;
  readonly project: string;
  readonly branches: readonly BranchSummary[];
  readonly sourceBranch: string;
  readonly onClose: () => void;
}

/** New branch from a source's head, a point in time or an LSN, with or without expiry. */
export function CreateBranchDialog({ workspaceId, project, branches, sourceBranch, onClose }: CreateBranchDialogProps) {
  const api = usePierApi();
  const id = useId();
  const [form, setForm] = useState<CreateBranchForm>(() => initialCreateBranchForm(sourceBranch));
  const [errors, setErrors] = useState<Partial<Record<CreateBranchField, string>>>({});
  // The operations panel follows it from here; the branch list shows the new branch at once (initialising).
  const create = useStartOperation((input: Parameters<typeof cloudCommands.createBranch>[1]) => cloudCommands.createBranch(api, input));
  const set = <K extends keyof CreateBranchForm>(key: K, value: CreateBranchForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (key in errors) setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = () => {
    const check = checkCreateBranchForm(form, { workspaceId, project }, Date.now());
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    create.mutate(check.input, { onSuccess: onClose });
  };
  const fieldProps = (field: CreateBranchField) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });

  return (
    <ModalDialog
      title="New branch"
      onClose={onClose}
      onSubmit={submit}
      wide
      actions={<DialogActions onCancel={onClose} label="Create branch" busyLabel="Creating…" busy={create.isPending} />}
    >
      <Field label="Branch name" id={`${id}-branchId`} error={errors.branchId} hint="Lowercase letters, digits and hyphens.">
        <input
          type="text"
          {...fieldProps('branchId')}
          value={form.branchId}
          autoFocus
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => set('branchId', e.target.value)}
        />
      </Field>
      <Field label="Source branch" id={`${id}-source`}>
        <select id={`${id}-source`} value={form.sourceBranch} onChange={(e) => set('sourceBranch', e.target.value)}>
          {branches.map((b) => (
            <option key={b.name} value={b.name}>
              {b.id}
              {b.isDefault ? ' (default)' : ''}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Start from</legend>
        <label className="choice">
          <input type="radio" name={`${id}-start`} checked={form.startFrom === 'head'} onChange={() => set('startFrom', 'head')} />
          The source’s current data
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-start`}
            checked={form.startFrom === 'time'}
            onChange={() => {
              set('startFrom', 'time');
              // A starting point the user adjusts: a minute ago, in local time as the field shows it.
              if (!form.sourceTime) set('sourceTime', toLocalInputValue(Date.now() - 60_000));
            }}
          />
          A point in time
        </label>
        {form.startFrom === 'time' && (
          <div className="choice__detail">
            <Field label="Time" id={`${id}-sourceTime`} error={errors.sourceTime}>
              <input
                type="datetime-local"
                step="1"
                {...fieldProps('sourceTime')}
                value={form.sourceTime}
                onChange={(e) => set('sourceTime', e.target.value)}
              />
            </Field>
          </div>
        )}
        <label className="choice">
          <input type="radio" name={`${id}-start`} checked={form.startFrom === 'lsn'} onChange={() => set('startFrom', 'lsn')} />A log
          sequence number (LSN)
        </label>
        {form.startFrom === 'lsn' && (
          <div className="choice__detail">
            <Field label="LSN" id={`${id}-sourceLsn`} error={errors.sourceLsn}>
              <input
                type="text"
                className="mono"
                placeholder="0/1A2B3C"
                {...fieldProps('sourceLsn')}
                value={form.sourceLsn}
                onChange={(e) => set('sourceLsn', e.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Expiry</legend>
        <label className="choice">
          <input type="radio" name={`${id}-expiry`} checked={form.expiry === 'never'} onChange={() => set('expiry', 'never')} />
          Never expires
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-expiry`} checked={form.expiry === 'ttl'} onChange={() => set('expiry', 'ttl')} />
          Expires after a while
        </label>
        {form.expiry === 'ttl' && (
          <div className="choice__detail">
            <Field label="Time to live" id={`${id}-ttlAmount`} error={errors.ttlAmount}>
              <span className="choice">
                <input
                  type="number"
                  min="1"
                  style={{ width: 80 }}
                  {...fieldProps('ttlAmount')}
                  value={form.ttlAmount}
                  onChange={(e) => set('ttlAmount', e.target.value)}
                />
                <select
                  aria-label="Unit"
                  value={form.ttlUnit}
                  onChange={(e) => set('ttlUnit', e.target.value === 'hours' ? 'hours' : 'days')}
                >
                  <option value="hours">hours</option>
                  <option value="days">days</option>
                </select>
              </span>
            </Field>
          </div>
        )}
        <label className="choice">
          <input type="radio" name={`${id}-expiry`} checked={form.expiry === 'at'} onChange={() => set('expiry', 'at')} />
          Expires at a set time
        </label>
        {form.expiry === 'at' && (
          <div className="choice__detail">
            <Field label="Expires at" id={`${id}-expireAt`} error={errors.expireAt}>
              <input
                type="datetime-local"
                {...fieldProps('expireAt')}
                value={form.expireAt}
                onChange={(e) => set('expireAt', e.target.value)}
              />
            </Field>
          </div>
        )}
      </fieldset>
      <label className="choice">
        <input type="checkbox" checked={form.isProtected} onChange={(e) => set('isProtected', e.target.checked)} />
        Protect this branch (it can’t be deleted until unprotected)
      </label>
      {create.isError && <DialogError title="The branch was not created" error={create.error} />}
    </ModalDialog>
  );
}

/** `datetime-local` wants local wall-clock time without a zone: YYYY-MM-DDTHH:mm:ss. */
function toLocalInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
