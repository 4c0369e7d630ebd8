import { useId, useState } from 'react';
import type { InputOf } from '../../../../shared/contract/contract';
import { cloudCommands, useStartOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { checkEndpointForm, INITIAL_ENDPOINT_FORM, type EndpointField, type EndpointForm } from './endpointForm';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';

/** A compute endpoint for a branch: read-write (at most one) or read-only, with size and suspension. */
export function CreateEndpointDialog({
  workspaceId,
  branch,
  hasReadWrite,
  onClose,
}: {
  workspaceId: string;
  branch: string;
  hasReadWrite: boolean;
  onClose: () => void;
}) {
  const api = usePierApi();
  const id = useId();
  const [form, setForm] = useState<EndpointForm>({ ...INITIAL_ENDPOINT_FORM, type: hasReadWrite ? 'READ_ONLY' : 'READ_WRITE' });
  const [errors, setErrors] = useState<Partial<Record<EndpointField, string>>>({});
  const create = useStartOperation((input: InputOf<'cloud.createEndpoint'>) => cloudCommands.createEndpoint(api, input));
  const set = <K extends keyof EndpointForm>(key: K, value: EndpointForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = () => {
    const check = checkEndpointForm(form, { workspaceId, branch });
    if (!check.ok) return setErrors(check.errors);
    create.mutate(check.input, { onSuccess: onClose });
  };
  const invalid = (field: EndpointField) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  return (
    <ModalDialog
      title={`New endpoint on ${branch.split('/').at(-1)}`}
      onClose={onClose}
      onSubmit={submit}
      actions={<DialogActions onCancel={onClose} label="Create endpoint" busyLabel="Creating…" busy={create.isPending} />}
    >
      <Field label="Endpoint id" id={`${id}-endpointId`} error={errors.endpointId}>
        <input
          type="text"
          className="mono"
          {...invalid('endpointId')}
          value={form.endpointId}
          autoFocus
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => set('endpointId', e.target.value)}
        />
      </Field>
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Type</legend>
        <label className="choice">
          <input type="radio" name={`${id}-type`} checked={form.type === 'READ_WRITE'} onChange={() => set('type', 'READ_WRITE')} />
          Read-write{hasReadWrite ? ' (this branch already has one)' : ''}
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-type`} checked={form.type === 'READ_ONLY'} onChange={() => set('type', 'READ_ONLY')} />
          Read-only replica
        </label>
      </fieldset>
      <div className="choice">
        <Field label="Min CU (optional)" id={`${id}-minCu`} error={errors.minCu}>
          <input
            type="text"
            inputMode="decimal"
            style={{ width: 110 }}
            {...invalid('minCu')}
            value={form.minCu}
            placeholder="default"
            onChange={(e) => set('minCu', e.target.value)}
          />
        </Field>
        <Field label="Max CU (optional)" id={`${id}-maxCu`} error={errors.maxCu}>
          <input
            type="text"
            inputMode="decimal"
            style={{ width: 110 }}
            {...invalid('maxCu')}
            value={form.maxCu}
            placeholder="default"
            onChange={(e) => set('maxCu', e.target.value)}
          />
        </Field>
      </div>
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Suspend when idle</legend>
        <label className="choice">
          <input type="radio" name={`${id}-suspend`} checked={form.suspend === 'default'} onChange={() => set('suspend', 'default')} />
          The project’s default
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-suspend`} checked={form.suspend === 'after'} onChange={() => set('suspend', 'after')} />
          After a set time
        </label>
        {form.suspend === 'after' && (
          <div className="choice__detail">
            <Field label="Minutes idle" id={`${id}-suspendMinutes`} error={errors.suspendMinutes}>
              <input
                type="number"
                min="1"
                style={{ width: 110 }}
                {...invalid('suspendMinutes')}
                value={form.suspendMinutes}
                onChange={(e) => set('suspendMinutes', e.target.value)}
              />
            </Field>
          </div>
        )}
        <label className="choice">
          <input type="radio" name={`${id}-suspend`} checked={form.suspend === 'never'} onChange={() => set('suspend', 'never')} />
          Never
        </label>
      </fieldset>
      {create.isError && <DialogError title="The endpoint was not created" error={create.error} />}
    </ModalDialog>
  );
}
