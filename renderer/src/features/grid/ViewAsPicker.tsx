import { useQuery } from '@tanstack/react-query';
import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { Location } from '../../../../shared/contract/location';
import { identitiesQuery } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { adminLabel } from '../../ui/locationText';
import { useCommandSource } from '../../ui/commands/CommandRegistry';

const ADMIN = '\u0000admin';

/**
 * Whom the grid's requests run as: the admin, or any role granted to `authenticator`. On a cloud
 * workspace "admin" is the identity signed in to it (its connections log in as that identity).
 */
export function ViewAsPicker({
  at,
  value,
  onChange,
  label = 'View as',
}: {
  at: Location;
  value: ViewAs;
  onChange: (v: ViewAs) => void;
  /** The Data API console says "Run as": it sends requests rather than viewing a table. */
  label?: string;
}) {
  const api = usePierApi();
  const identities = useQuery(identitiesQuery(api, at));
  const roles = identities.data?.roles ?? [];
  const current = value.kind === 'admin' ? ADMIN : value.role;
  // The palette offers the same choices while a grid is open.
  useCommandSource('grid.viewAs', () => [
    {
      id: 'viewAs.admin',
      title: `View as ${adminLabel(at)}`,
      group: 'View as',
      keywords: ['role', 'identity'],
      run: () => onChange({ kind: 'admin' }),
    },
    ...roles.map((role) => ({
      id: `viewAs.${role}`,
      title: `View as ${role}`,
      group: 'View as' as const,
      keywords: ['role', 'identity'],
      run: () => onChange({ kind: 'identity', role }),
    })),
  ]);
  return (
    <label className="view-as" title="The Data API request runs as this role, so grants and row-level security apply">
      {label}
      <select
        aria-label={label}
        value={current}
        onChange={(e) => onChange(e.target.value === ADMIN ? { kind: 'admin' } : { kind: 'identity', role: e.target.value })}
      >
        <option value={ADMIN}>{adminLabel(at)}</option>
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
