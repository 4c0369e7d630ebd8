import { useEffect, useState } from 'react';
import type { IdentityType } from '../../../../shared/management/workspaceSchemas';
import { workspaceOf, type Location } from '../../../../shared/contract/location';
import { useRefreshAfterAdminChange } from '../../api/admin';
import { cloudCommands } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { DialogActions, DialogError, Field, ModalDialog } from '../../ui/ModalDialog';
import { useFollowedOperation } from '../operations/useFollowedOperation';

const TYPES: readonly { readonly type: IdentityType; readonly label: string; readonly placeholder: string; readonly hint: string }[] = [
  { type: 'USER', label: 'User', placeholder: 'analyst@example.com', hint: 'The user’s email address.' },
  {
    type: 'SERVICE_PRINCIPAL',
    label: 'Service principal',
    placeholder: '00000000-0000-0000-0000-000000000000',
    hint: 'The service principal’s application id.',
  },
  { type: 'GROUP', label: 'Group', placeholder: 'analysts', hint: 'The group’s name.' },
];
const ATTRIBUTES = ['createdb', 'createrole', 'bypassrls'] as const;
type Attributes = Record<(typeof ATTRIBUTES)[number], boolean>;

/**
 * Adds a managed identity through the management API's roles resource (not SQL): the control
 * plane creates the Postgres role and grants it to authenticator, unless it is elevated. Stays open until the
 * operation has ended, so a refusal is shown where it was asked for.
 */
export function AddIdentityDialog({ at, onClose }: { at: Location; onClose: () => void }) {
  const api = usePierApi();
  const refresh = useRefreshAfterAdminChange();
  const [identityType, setIdentityType] = useState<IdentityType>('USER');
  const [name, setName] = useState('');
  const [attributes, setAttributes] = useState<Attributes>({ createdb: false, createrole: false, bypassrls: false });
  const add = useFollowedOperation('cloud.createRole', (postgresRole: string) =>
    cloudCommands.createRole(api, { workspaceId: workspaceOf(at), branch: at.branch, postgresRole, identityType, attributes }),
  );
  const state = add.operation?.state;
  useEffect(() => {
    if (state !== 'succeeded') return;
    refresh();
    onClose();
  }, [state, onClose, refresh]);
  const chosen = TYPES.find((t) => t.type === identityType) ?? TYPES[0]!;
  const trimmed = name.trim();
  return (
    <ModalDialog
      title="Add a managed identity"
      onClose={onClose}
      onSubmit={() => {
        if (!add.busy && trimmed) add.start(trimmed);
      }}
      actions={
        <DialogActions
          onCancel={onClose}
          cancelLabel={add.error ? 'Close' : 'Cancel'}
          label="Add identity"
          busyLabel="Adding…"
          busy={add.busy}
          disabled={!trimmed}
        />
      }
    >
      <fieldset className="roles__identity-types" disabled={add.busy}>
        <legend>Identity type</legend>
        {TYPES.map((t) => (
          <label key={t.type}>
            <input
              type="radio"
              name="identity-type"
              value={t.type}
              checked={identityType === t.type}
              onChange={() => setIdentityType(t.type)}
            />{' '}
            {t.label}
          </label>
        ))}
      </fieldset>
      <Field label="Identity" id="identity-name" hint={`${chosen.hint} It becomes the Postgres role name.`}>
        <input
          id="identity-name"
          aria-describedby="identity-name-hint"
          value={name}
          placeholder={chosen.placeholder}
          maxLength={63}
          disabled={add.busy}
          onChange={(e) => setName(e.target.value)}
          autoFocus
        />
      </Field>
      <fieldset className="roles__identity-types" disabled={add.busy}>
        <legend>Attributes</legend>
        {ATTRIBUTES.map((a) => (
          <label key={a}>
            <input type="checkbox" checked={attributes[a]} onChange={(e) => setAttributes({ ...attributes, [a]: e.target.checked })} /> {a}
          </label>
        ))}
      </fieldset>
      {(attributes.createrole || attributes.bypassrls) && (
        <p className="roles__muted">
          With createrole or bypassrls the identity is not granted to authenticator: the Data API never acts as an elevated role.
        </p>
      )}
      {add.busy && add.operation && (
        <p className="roles__muted" role="status">
          {add.operation.title}: running…
        </p>
      )}
      {add.error !== null && <DialogError title="The identity was not added" error={add.error} />}
    </ModalDialog>
  );
}
