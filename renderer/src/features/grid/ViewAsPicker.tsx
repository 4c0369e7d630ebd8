import { useQuery } from '@tanstack/react-query';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import { identitiesQuery, type BranchLocation } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';

const ADMIN = '\u0000admin';

/**
 * Whom the grid's requests run as: the admin, or any role granted to `authenticator`. On a cloud
 * workspace "admin" is the identity signed in to it (its connections log in as that identity).
 */
export function ViewAsPicker({
  database,
  at,
  value,
  onChange,
}: {
  database: string;
  at: BranchLocation;
  value: ViewAs;
  onChange: (v: ViewAs) => void;
}) {
  const api = usePierApi();
  const identities = useQuery(identitiesQuery(api, database, at));
  const roles = identities.data?.roles ?? [];
  const current = value.kind === 'admin' ? ADMIN : value.role;
  return (
    <label className="view-as" title="The Data API request runs as this role, so grants and row-level security apply">
      View as
      <select
        aria-label="View as"
        value={current}
        onChange={(e) => onChange(e.target.value === ADMIN ? { kind: 'admin' } : { kind: 'identity', role: e.target.value })}
      >
        <option value={ADMIN}>{at.workspaceId ? 'admin (your identity)' : 'admin (superuser)'}</option>
        {value.kind === 'identity' && !roles.includes(value.role) && <option value={value.role}>{value.role}</option>}
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}
