import { useId, useState } from 'react';
import { useAddWorkspace } from '../../api/workspaces';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';
import {
  checkAddWorkspaceForm,
  INITIAL_ADD_WORKSPACE,
  type AddWorkspaceField,
  type AddWorkspaceForm,
  type SignInMethod,
} from './addWorkspaceForm';

const METHODS: readonly { method: SignInMethod; label: string; detail: string }[] = [
  {
    method: 'oauth',
    label: 'Sign in with the browser (OAuth)',
    detail: 'Opens the workspace’s sign-in page; Pier keeps the refreshable token.',
  },
  { method: 'pat', label: 'Personal access token', detail: 'A token you created under User settings → Developer.' },
  { method: 'cli', label: 'Databricks CLI profile', detail: 'Uses the `databricks` CLI’s login from ~/.databrickscfg.' },
];

/** Adds a Databricks workspace. Secrets go to main and stay there; errors are shown in place. */
export function AddWorkspaceDialog({ onClose }: { onClose: () => void }) {
  const id = useId();
  const [form, setForm] = useState<AddWorkspaceForm>(INITIAL_ADD_WORKSPACE);
  const [errors, setErrors] = useState<Partial<Record<AddWorkspaceField, string>>>({});
  const add = useAddWorkspace();
  const set = <K extends keyof AddWorkspaceForm>(key: K, value: AddWorkspaceForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = () => {
    const check = checkAddWorkspaceForm(form);
    if (!check.ok) return setErrors(check.errors);
    add.mutate(check.input, { onSuccess: onClose });
  };
  const invalid = (field: AddWorkspaceField) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  const pendingText = form.method === 'oauth' ? 'Waiting for sign-in in the browser…' : 'Checking…';

  return (
    <ModalDialog
      title="Add a Databricks workspace"
      onClose={onClose}
      onSubmit={submit}
      wide
      actions={<DialogActions onCancel={onClose} label="Add workspace" busyLabel={pendingText} busy={add.isPending} />}
    >
      <fieldset className="fieldset">
        <legend className="fieldset__legend">Sign in with</legend>
        {METHODS.map((m) => (
          <label key={m.method} className="choice" title={m.detail}>
            <input type="radio" name={`${id}-method`} checked={form.method === m.method} onChange={() => set('method', m.method)} />
            {m.label}
          </label>
        ))}
        <p className="field__hint">{METHODS.find((m) => m.method === form.method)?.detail}</p>
      </fieldset>
      <Field
        label={form.method === 'cli' ? 'Workspace URL (optional: the profile has one)' : 'Workspace URL'}
        id={`${id}-host`}
        error={errors.host}
      >
        <input
          type="text"
          {...invalid('host')}
          placeholder="https://adb-1234567890123456.7.azuredatabricks.net"
          value={form.host}
          spellCheck={false}
          autoComplete="off"
          autoFocus
          onChange={(e) => set('host', e.target.value)}
        />
      </Field>
      {form.method === 'pat' && (
        <Field label="Access token" id={`${id}-token`} error={errors.token}>
          <input
            type="password"
            {...invalid('token')}
            value={form.token}
            autoComplete="off"
            onChange={(e) => set('token', e.target.value)}
          />
        </Field>
      )}
      {form.method === 'cli' && (
        <Field label="CLI profile" id={`${id}-profile`} error={errors.profile}>
          <input
            type="text"
            {...invalid('profile')}
            value={form.profile}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set('profile', e.target.value)}
          />
        </Field>
      )}
      <Field label="Display name (optional)" id={`${id}-name`}>
        <input type="text" id={`${id}-name`} value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
      </Field>
      {add.isError && <DialogError title="The workspace was not added" error={add.error} />}
    </ModalDialog>
  );
}
