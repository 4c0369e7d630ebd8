import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ChangePlanOutput, RoleAttributes, RoleChange, RoleInfo } from '../../../../shared/contract/admin';
import type { RoleSummary } from '../../../../shared/management/workspaceSchemas';
import { managedRolesQuery, rolesQuery, useAdminChanges, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { InlineError } from '../../ui/InlineError';
import { SqlReview } from '../../ui/SqlReview';
import { AddIdentityDialog } from './AddIdentityDialog';
import { DeleteIdentityDialog } from './DeleteIdentityDialog';
import { SetupAssistant } from './SetupAssistant';
import { RoleDiagram } from '../roleDiagram/RoleDiagram';
import './roles.css';

const ATTRIBUTES: readonly (keyof RoleAttributes)[] = ['login', 'inherit', 'bypassrls', 'createdb', 'createrole'];
const AUTHENTICATOR = 'authenticator';
const PLAIN: RoleAttributes = { login: false, inherit: true, bypassrls: false, createdb: false, createrole: false };

/**
 * Roles of this branch: attributes, memberships, and above all who is granted to `authenticator`
 * (the identities the Data API may run as). Every change shows its SQL before it runs.
 */
export function RolesView() {
  const api = usePierApi();
  const at = useAdminLocation();
  const changes = useAdminChanges(at);
  const roles = useQuery(rolesQuery(api, at));
  const managed = useQuery(managedRolesQuery(api, at));
  const identities = new Map((managed.data?.roles ?? []).filter((r) => r.identityType).map((r) => [r.postgresRole, r]));
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'delete'; role: RoleSummary } | null>(null);
  const [review, setReview] = useState<{ title: string; change: RoleChange; plan: ChangePlanOutput } | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [edits, setEdits] = useState<Record<string, RoleAttributes>>({});
  const [newName, setNewName] = useState('');
  const [newAttrs, setNewAttrs] = useState<RoleAttributes>(PLAIN);

  const startReview = async (title: string, change: RoleChange) => {
    setPlanError(null);
    try {
      setReview({ title, change, plan: await changes.planRoleChange(change) });
    } catch (err) {
      setPlanError(describeError(err).message);
    }
  };

  if (roles.error) return <ErrorPanel title="Could not read the roles" error={roles.error} onRetry={() => void roles.refetch()} />;
  if (!roles.data) return <p>Loading roles…</p>;
  const members = new Set(roles.data.authenticatorMembers);

  return (
    <div className="roles">
      <header className="roles__header">
        <h2>Roles</h2>
        <p className="roles__muted">
          Identities granted to <code>authenticator</code>: {roles.data.authenticatorMembers.join(', ') || 'none'}. Managed identities
          (Databricks users and service principals) are created through the management API's roles resource; plain Postgres roles here,
          through SQL.
        </p>
        <button type="button" className="button button--primary roles__add-identity" onClick={() => setDialog({ kind: 'add' })}>
          Add identity…
        </button>
      </header>
      <RoleDiagram />
      {dialog?.kind === 'add' && <AddIdentityDialog at={at} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteIdentityDialog at={at} role={dialog.role} onClose={() => setDialog(null)} />}
      {planError && <InlineError>{planError}</InlineError>}
      {review && (
        <SqlReview
          title={review.title}
          statements={review.plan.statements}
          warnings={review.plan.warnings}
          onApply={() => changes.applyRoleChange(review.change)}
          onApplied={() => {
            setReview(null);
            setEdits({});
          }}
          onCancel={() => setReview(null)}
        />
      )}
      <div className="roles__table-wrap">
        <table className="roles__table" aria-label="Roles">
          <thead>
            <tr>
              <th scope="col">Role</th>
              {ATTRIBUTES.map((a) => (
                <th key={a} scope="col">
                  {a}
                </th>
              ))}
              <th scope="col">superuser</th>
              <th scope="col">Managed identity</th>
              <th scope="col">Member of</th>
              <th scope="col">Data API</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {roles.data.roles.map((r) => (
              <RoleRow
                key={r.name}
                role={r}
                attrs={edits[r.name] ?? r.attributes}
                onAttrs={(a) => setEdits({ ...edits, [r.name]: a })}
                granted={members.has(r.name)}
                identity={identities.get(r.name) ?? null}
                onDeleteIdentity={(role) => setDialog({ kind: 'delete', role })}
                onReview={(title, change) => void startReview(title, change)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="roles__create"
        aria-label="Create role"
        onSubmit={(e) => {
          e.preventDefault();
          if (newName.trim())
            void startReview(`Create role ${newName.trim()}`, { kind: 'create', name: newName.trim(), attributes: newAttrs });
        }}
      >
        <h3>Create a role</h3>
        <input aria-label="New role name" placeholder="alice@example.com" value={newName} onChange={(e) => setNewName(e.target.value)} />
        {ATTRIBUTES.map((a) => (
          <label key={a}>
            <input type="checkbox" checked={newAttrs[a]} onChange={(e) => setNewAttrs({ ...newAttrs, [a]: e.target.checked })} /> {a}
          </label>
        ))}
        <button type="submit" className="button">
          Review SQL…
        </button>
      </form>
      <SetupAssistant />
    </div>
  );
}

function RoleRow({
  role,
  attrs,
  onAttrs,
  granted,
  identity,
  onDeleteIdentity,
  onReview,
}: {
  role: RoleInfo;
  /** The management API's record (identity type USER, SERVICE_PRINCIPAL, GROUP); null for a plain Postgres role. */
  identity: RoleSummary | null;
  onDeleteIdentity: (role: RoleSummary) => void;
  attrs: RoleAttributes;
  onAttrs: (a: RoleAttributes) => void;
  granted: boolean;
  onReview: (title: string, change: RoleChange) => void;
}) {
  const changed = ATTRIBUTES.some((a) => attrs[a] !== role.attributes[a]);
  const isAuthenticator = role.name === AUTHENTICATOR;
  const identityType = identity?.identityType ?? null;
  return (
    <tr className={granted ? 'roles__identity' : undefined}>
      <th scope="row">{role.name}</th>
      {ATTRIBUTES.map((a) => (
        <td key={a}>
          <input
            type="checkbox"
            aria-label={`${a} for ${role.name}`}
            checked={attrs[a]}
            disabled={role.superuser}
            onChange={(e) => onAttrs({ ...attrs, [a]: e.target.checked })}
          />
        </td>
      ))}
      <td>{role.superuser ? 'yes' : ''}</td>
      <td>{identityType ? <span className="badge">{identityType.toLowerCase().replace('_', ' ')}</span> : ''}</td>
      <td>{role.memberOf.map((m) => m.role).join(', ')}</td>
      <td>
        {isAuthenticator ? (
          <span className="badge">connects</span>
        ) : granted ? (
          <button
            type="button"
            className="button"
            onClick={() =>
              onReview(`Revoke ${role.name} from authenticator`, { kind: 'revokeMembership', role: role.name, member: AUTHENTICATOR })
            }
          >
            Revoke from authenticator
          </button>
        ) : (
          !role.superuser && (
            <button
              type="button"
              className="button"
              onClick={() =>
                onReview(`Grant ${role.name} to authenticator`, { kind: 'grantMembership', role: role.name, member: AUTHENTICATOR })
              }
            >
              Grant to authenticator
            </button>
          )
        )}
      </td>
      <td>
        <div className="roles__actions">
          {changed && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => onReview(`Alter role ${role.name}`, { kind: 'alter', name: role.name, attributes: attrs })}
            >
              Review…
            </button>
          )}
          {identity && !role.superuser && (
            <button type="button" className="button" aria-label={`Delete identity ${role.name}`} onClick={() => onDeleteIdentity(identity)}>
              Delete
            </button>
          )}
          {!identity && !role.superuser && !isAuthenticator && (
            <button
              type="button"
              className="button"
              aria-label={`Drop ${role.name}`}
              onClick={() => onReview(`Drop role ${role.name}`, { kind: 'drop', name: role.name })}
            >
              Drop
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
