import { useQuery } from '@tanstack/react-query';
import type { Dependent, DropTarget } from '../../../../shared/contract/tables';
import { useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { dependentsQuery } from '../../api/tables';

/**
 * What depends on an object staged for dropping, read from the catalog; CASCADE is offered only
 * here, with the list in view, and only when something would stop the drop.
 */
export function DropDependents({
  schema,
  table,
  target,
  what,
  cascade,
  onCascade,
}: {
  schema: string;
  table: string;
  target: DropTarget;
  what: string;
  cascade: boolean;
  onCascade: (cascade: boolean) => void;
}) {
  const api = usePierApi();
  const at = useAdminLocation();
  const deps = useQuery(dependentsQuery(api, at, schema, table, target));
  if (deps.error)
    return (
      <p className="designer__error">
        Could not read what depends on {what}: {describeError(deps.error).message}
      </p>
    );
  if (!deps.data) return <p className="designer__muted">Reading what depends on {what}…</p>;
  return <DependentsList what={what} dependents={deps.data.dependents} cascade={cascade} onCascade={onCascade} />;
}

export function DependentsList({
  what,
  dependents,
  cascade,
  onCascade,
}: {
  what: string;
  dependents: readonly Dependent[];
  cascade: boolean;
  onCascade?: ((cascade: boolean) => void) | undefined;
}) {
  const blocking = dependents.filter((d) => d.blocksDrop);
  const along = dependents.filter((d) => !d.blocksDrop);
  return (
    <div
      className={blocking.length > 0 ? 'designer__dependents designer__dependents--blocking' : 'designer__dependents'}
      role="group"
      aria-label={`What depends on ${what}`}
    >
      {dependents.length === 0 && <p className="designer__muted">Nothing else depends on {what}.</p>}
      {blocking.length > 0 && (
        <>
          <p>
            {cascade ? (
              <>
                <strong>CASCADE also drops</strong>{' '}
                {blocking.length === 1 ? 'this, which depends' : `these ${blocking.length}, which depend`} on {what}:
              </>
            ) : blocking.length === 1 ? (
              <>
                <strong>This depends on {what}</strong> and stops the drop unless it is dropped too:
              </>
            ) : (
              <>
                <strong>
                  These {blocking.length} depend on {what}
                </strong>{' '}
                and stop the drop unless they are dropped too:
              </>
            )}
          </p>
          <ul>
            {blocking.map((d) => (
              <li key={d.description}>{d.description}</li>
            ))}
          </ul>
          {onCascade && (
            <label className="designer__cascade">
              <input type="checkbox" checked={cascade} onChange={(e) => onCascade(e.target.checked)} /> Drop these too (CASCADE)
            </label>
          )}
        </>
      )}
      {along.length > 0 && <p className="designer__muted">Goes with it: {along.map((d) => d.description).join(', ')}.</p>}
    </div>
  );
}
