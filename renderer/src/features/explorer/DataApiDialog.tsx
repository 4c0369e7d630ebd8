import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import type { OutputOf } from '../../../../shared/contract/contract';
import type { DataApiSettingsInput } from '../../../../shared/management/workspaceSchemas';
import { cloudCommands, dataApiQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { useFollowedOperation } from '../operations/useFollowedOperation';
import { dataApiChanges, dataApiFormFrom, type DataApiField, type DataApiForm } from './dataApiForm';
import { DialogError, Field, ModalDialog } from '../../ui/ModalDialog';

/** Enable the Data API on a database, or edit or disable it. Stays open until the server has applied it. */
export function DataApiDialog({
  workspaceId,
  database,
  label,
  onClose,
}: {
  workspaceId: string;
  database: string;
  label: string;
  onClose: () => void;
}) {
  const api = usePierApi();
  const status = useQuery(dataApiQuery(api, workspaceId, database));
  return (
    <ModalDialog
      title={`Data API · ${label}`}
      onClose={onClose}
      onSubmit={() => undefined}
      wide
      actions={
        status.data ? null : (
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        )
      }
    >
      {status.isPending && <p>Asking the server…</p>}
      {status.isError && <DialogError title="Couldn’t read the Data API settings" error={status.error} />}
      {status.data && (
        <DataApiEditor
          key={String(status.data.enabled)}
          workspaceId={workspaceId}
          database={database}
          status={status.data}
          onClose={onClose}
        />
      )}
    </ModalDialog>
  );
}

type Status = OutputOf<'cloud.dataApi'>;

function DataApiEditor({
  workspaceId,
  database,
  status,
  onClose,
}: {
  workspaceId: string;
  database: string;
  status: Status;
  onClose: () => void;
}) {
  const api = usePierApi();
  const id = useId();
  const original = status.enabled ? dataApiFormFrom(status.settings) : null;
  const [form, setForm] = useState<DataApiForm>(() => dataApiFormFrom(status.settings));
  const [errors, setErrors] = useState<Partial<Record<DataApiField, string>>>({});
  const save = useFollowedOperation(status.enabled ? 'cloud.updateDataApi' : 'cloud.enableDataApi', (settings: DataApiSettingsInput) =>
    status.enabled
      ? cloudCommands.updateDataApi(api, { workspaceId, database, settings })
      : cloudCommands.enableDataApi(api, { workspaceId, database, settings }),
  );
  const disable = useFollowedOperation('cloud.disableDataApi', () => cloudCommands.disableDataApi(api, { workspaceId, database }));
  const done = save.operation?.state === 'succeeded' || disable.operation?.state === 'succeeded';
  useEffect(() => {
    if (done) onClose();
  }, [done, onClose]);

  const set = <K extends keyof DataApiForm>(key: K, value: DataApiForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const check = dataApiChanges(form, original);
  const nothingChanged = status.enabled && check.ok && Object.keys(check.settings).length === 0;
  const submit = () => {
    if (!check.ok) return setErrors(check.errors);
    if (nothingChanged) return onClose();
    save.start(check.settings);
  };
  const busy = save.busy || disable.busy;
  const field = (name: DataApiField, label: string, hint?: string) => (
    <Field label={label} id={`${id}-${name}`} error={errors[name]} hint={hint}>
      <input
        id={`${id}-${name}`}
        type="text"
        className="mono"
        value={form[name]}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        onChange={(e) => set(name, e.target.value)}
      />
    </Field>
  );
  return (
    <>
      <p>
        {status.enabled ? (
          <>
            Enabled{status.url ? ' at ' : '.'}
            {status.url && <span className="mono">{status.url}</span>}
          </>
        ) : (
          'Not enabled: the database is not served over HTTP. Enabling it exposes the schemas below to requests that carry a valid token; grants and row-level security decide what each role sees.'
        )}
      </p>
      {field(
        'dbSchemas',
        'Exposed schemas',
        status.availableSchemas ? `In this database: ${status.availableSchemas.join(', ')}` : 'Comma-separated, e.g. public, api',
      )}
      {field('extraSearchPath', 'Extra search path (optional)')}
      {field('maxRows', 'Maximum rows per response (optional)')}
      {field('corsOrigins', 'CORS origins (optional)', 'Comma-separated; empty allows none beyond the defaults.')}
      {field('jwtRoleClaimKey', 'Role claim in the token (optional)', 'A JSON path such as .sub or .role')}
      <Field label="OpenAPI description" id={`${id}-openapi`}>
        <select id={`${id}-openapi`} value={form.openApiMode} onChange={(e) => set('openApiMode', e.target.value)}>
          <option value="">The server’s default</option>
          <option value="OPEN_API_MODE_DISABLED">Disabled</option>
          <option value="OPEN_API_MODE_IGNORE_PRIVILEGES">All objects, ignoring privileges</option>
        </select>
      </Field>
      <label className="choice">
        <input type="checkbox" checked={form.aggregatesEnabled} onChange={(e) => set('aggregatesEnabled', e.target.checked)} />
        Allow aggregate functions (count(), sum(), …) in select
      </label>
      <label className="choice">
        <input type="checkbox" checked={form.serverTimingEnabled} onChange={(e) => set('serverTimingEnabled', e.target.checked)} />
        Send Server-Timing headers
      </label>
      {save.error !== null && (
        <DialogError title={status.enabled ? 'The settings were not changed' : 'The Data API was not enabled'} error={save.error} />
      )}
      {disable.error !== null && <DialogError title="The Data API was not disabled" error={disable.error} />}
      <div className="modal__actions modal__actions--inline">
        {status.enabled && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => disable.start(undefined)}
            style={{ marginRight: 'auto' }}
          >
            {disable.busy ? 'Disabling…' : 'Disable'}
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={busy} onClick={submit}>
          {save.busy ? 'Saving…' : status.enabled ? 'Save settings' : 'Enable Data API'}
        </button>
      </div>
    </>
  );
}
