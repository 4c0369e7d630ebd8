import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import {
  COLUMN_PRIVILEGES,
  TABLE_PRIVILEGES,
  type ChangePlanOutput,
  type GrantChange,
  type ListGrantsOutput,
  type TablePrivilege,
} from '../../../../shared/contract/admin';
import { grantsQuery, useAdminChanges, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { InlineError } from '../../ui/InlineError';
import { SqlReview } from '../../ui/SqlReview';
import { effectiveGrant, toggleStaged } from './grantStaging';
import './grants.css';

/** Tables × roles for one privilege at a time; toggles stage GRANT/REVOKE, shown before they run. */
export function GrantsView({ schema }: { schema: string }) {
  const api = usePierApi();
  const at = useAdminLocation();
  const changes = useAdminChanges(at);
  const grants = useQuery(grantsQuery(api, at, schema));
  const [privilege, setPrivilege] = useState<TablePrivilege>('SELECT');
  const [staged, setStaged] = useState<GrantChange[]>([]);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [review, setReview] = useState<ChangePlanOutput | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);

  if (grants.error)
    return <ErrorPanel title={`Could not read the grants of ${schema}`} error={grants.error} onRetry={() => void grants.refetch()} />;
  if (!grants.data) return <p className="grants__loading">Loading grants…</p>;
  const g = grants.data;
  const roles = g.roles;
  const toggle = (change: GrantChange, granted: boolean) => setStaged((s) => toggleStaged(s, change, granted));

  // A plain function, not a component: a component defined here would remount (and lose focus) on every toggle.
  const cell = (key: string, change: GrantChange, granted: boolean, label: string) => {
    const e = effectiveGrant(staged, change, granted);
    return (
      <td key={key} className={e.staged ? 'grants__cell grants__cell--staged' : 'grants__cell'}>
        <input type="checkbox" aria-label={label} checked={e.granted} onChange={() => toggle(change, granted)} />
      </td>
    );
  };
  const has = (cells: ListGrantsOutput['tables'][number]['grants'], role: string, p: string) =>
    cells.some((c) => c.grantee === role && c.privileges.includes(p));

  const openReview = async () => {
    setPlanError(null);
    try {
      setReview(await changes.planGrantChanges(schema, staged));
    } catch (err) {
      setPlanError(describeError(err).message);
    }
  };

  return (
    <div className="grants">
      <header className="grants__header">
        <h2>Grants · {schema}</h2>
        <div role="radiogroup" aria-label="Privilege" className="grants__privileges">
          {TABLE_PRIVILEGES.map((p) => (
            <button
              key={p}
              type="button"
              role="radio"
              aria-checked={p === privilege}
              className={`chip${p === privilege ? ' chip--selected' : ''}`}
              onClick={() => setPrivilege(p)}
            >
              {p}
            </button>
          ))}
        </div>
        <button type="button" className="button button--primary" disabled={staged.length === 0} onClick={() => void openReview()}>
          Review {staged.length} change{staged.length === 1 ? '' : 's'}…
        </button>
        {staged.length > 0 && (
          <button type="button" className="button" onClick={() => setStaged([])}>
            Discard
          </button>
        )}
      </header>
      {planError && <InlineError>{planError}</InlineError>}
      {review && (
        <SqlReview
          title="Grant changes"
          statements={review.statements}
          warnings={review.warnings}
          onApply={() => changes.applyGrantChanges(schema, staged)}
          onApplied={() => {
            setReview(null);
            setStaged([]);
          }}
          onCancel={() => setReview(null)}
        />
      )}
      <div className="grants__scroll">
        <table className="grants__matrix" aria-label={`${privilege} grants`}>
          <thead>
            <tr>
              <th scope="col">{privilege}</th>
              {roles.map((r) => (
                <th key={r} scope="col" className="grants__role">
                  <span>{r}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr className="grants__section">
              <th scope="row">USAGE on schema {schema}</th>
              {roles.map((r) =>
                cell(r, { kind: 'schemaUsage', role: r, grant: true }, g.schemaUsage.includes(r), `USAGE on schema ${schema} for ${r}`),
              )}
            </tr>
            {g.tables.map((t) => {
              const columnLevel = (COLUMN_PRIVILEGES as readonly string[]).includes(privilege);
              return (
                <Fragment key={t.name}>
                  <tr>
                    <th scope="row">
                      {columnLevel && (
                        <button
                          type="button"
                          className="icon-button"
                          aria-expanded={expanded === t.name}
                          aria-label={`Columns of ${t.name}`}
                          onClick={() => setExpanded(expanded === t.name ? null : t.name)}
                        >
                          {expanded === t.name ? '▾' : '▸'}
                        </button>
                      )}
                      {t.name} <span className="grants__owner">owner {t.owner}</span>
                    </th>
                    {roles.map((r) =>
                      cell(
                        r,
                        { kind: 'table', table: t.name, role: r, privilege, grant: true },
                        has(t.grants, r, privilege),
                        `${privilege} on ${t.name} for ${r}`,
                      ),
                    )}
                  </tr>
                  {columnLevel &&
                    expanded === t.name &&
                    t.columns.map((c) => (
                      <tr key={c.name} className="grants__column">
                        <th scope="row">
                          {t.name}.{c.name}
                        </th>
                        {roles.map((r) =>
                          cell(
                            r,
                            {
                              kind: 'column',
                              table: t.name,
                              column: c.name,
                              role: r,
                              privilege: privilege as (typeof COLUMN_PRIVILEGES)[number],
                              grant: true,
                            },
                            has(c.grants, r, privilege),
                            `${privilege} on ${t.name}.${c.name} for ${r}`,
                          ),
                        )}
                      </tr>
                    ))}
                </Fragment>
              );
            })}
            {g.sequences.length > 0 && (
              <tr className="grants__section">
                <th scope="row" colSpan={roles.length + 1}>
                  Sequences (USAGE)
                </th>
              </tr>
            )}
            {g.sequences.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                {roles.map((r) =>
                  cell(
                    r,
                    { kind: 'sequenceUsage', sequence: s.name, role: r, grant: true },
                    s.usage.includes(r),
                    `USAGE on ${s.name} for ${r}`,
                  ),
                )}
              </tr>
            ))}
            {g.functions.length > 0 && (
              <tr className="grants__section">
                <th scope="row" colSpan={roles.length + 1}>
                  Functions (EXECUTE)
                </th>
              </tr>
            )}
            {g.functions.map((f) => (
              <tr key={f.signature}>
                <th scope="row">{f.signature}</th>
                {roles.map((r) =>
                  cell(
                    r,
                    { kind: 'functionExecute', signature: f.signature, role: r, grant: true },
                    f.execute.includes(r),
                    `EXECUTE on ${f.signature} for ${r}`,
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-label="Default privileges">
        <h3>Default privileges</h3>
        {g.defaultPrivileges.length === 0 ? (
          <p className="grants__muted">None: new objects get only their owner's privileges.</p>
        ) : (
          <table className="grants__defaults">
            <thead>
              <tr>
                <th scope="col">Objects created by</th>
                <th scope="col">In schema</th>
                <th scope="col">Type</th>
                <th scope="col">Grantee</th>
                <th scope="col">Privileges</th>
              </tr>
            </thead>
            <tbody>
              {g.defaultPrivileges.map((d, i) => (
                <tr key={i}>
                  <td>{d.owner}</td>
                  <td>{d.schema ?? 'all schemas'}</td>
                  <td>{d.objectType}</td>
                  <td>{d.grantee}</td>
                  <td>{d.privileges.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
