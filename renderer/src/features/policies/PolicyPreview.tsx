import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { PolicyChangeInput, PreviewPolicyOutput, WriteOutcome } from '../../../../shared/contract/admin';
import { assertNever } from '../../../../shared/contract/result';
import { policyPreviewQuery, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { useDebounced } from './useDebounced';

type Preview = Extract<PreviewPolicyOutput, { kind: 'preview' }>;
export interface InvalidPolicy {
  readonly message: string;
  readonly statement: string;
  readonly position: number | null;
}
type IdentityResult = Preview['identities'][number];

/**
 * What the edited policy would do, before it is applied: main runs the DDL in a transaction that
 * is always rolled back and reads the table as each chosen identity. Runs when typing pauses.
 */
export function PolicyPreview({
  schema,
  table,
  change,
  incompleteReason,
  identities,
  onInvalid,
}: {
  schema: string;
  table: string;
  /** null previews the table as it is now. */
  change: PolicyChangeInput | null;
  incompleteReason: string | null;
  identities: readonly string[];
  /** The edit does not compile (null once it does): the message, and where in which statement, for inline markers. */
  onInvalid?: (invalid: InvalidPolicy | null) => void;
}) {
  const api = usePierApi();
  const at = useAdminLocation();
  const [chosen, setChosen] = useState<string[]>(() => identities.slice(0, 1));
  const [tryInsert, setTryInsert] = useState(false);
  const [insertJson, setInsertJson] = useState('');
  const [tryUpdate, setTryUpdate] = useState(false);
  const sampleInsert = useMemo(() => {
    if (!tryInsert) return null;
    try {
      const v: unknown = JSON.parse(insertJson || '{}');
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }, [tryInsert, insertJson]);
  const input = useDebounced(
    useMemo(
      () => ({ schema, table, change, identities: chosen, sampleInsert, sampleUpdate: tryUpdate }),
      [schema, table, change, chosen, sampleInsert, tryUpdate],
    ),
    350,
  );
  const query = useQuery({ ...policyPreviewQuery(api, at, input), enabled: input.identities.length > 0 });
  const data = query.data;
  // Writes are what INSERT and UPDATE policies are about: try them by default for those commands.
  const command = change && (change.kind === 'create' || change.kind === 'replace') ? (change.policy.command ?? 'ALL') : null;
  useEffect(() => {
    if (command === 'UPDATE' || command === 'ALL') setTryUpdate(true);
    if (command === 'INSERT' || command === 'ALL') setTryInsert(true);
  }, [command]);
  // A sample row to start from: the first row, without the columns Postgres fills in itself.
  const firstRow = data?.kind === 'preview' ? data.rows[0] : undefined;
  const suggestion = useMemo(() => {
    if (data?.kind !== 'preview' || !firstRow) return '';
    const row: Record<string, unknown> = {};
    data.columns.forEach((c, i) => {
      if (!data.defaultedColumns.includes(c)) row[c] = firstRow.values[i];
    });
    return JSON.stringify(row);
  }, [data, firstRow]);
  useEffect(() => {
    if (tryInsert && insertJson === '' && suggestion) setInsertJson(suggestion);
  }, [tryInsert, insertJson, suggestion]);
  const invalid = useMemo<InvalidPolicy | null>(
    () =>
      data?.kind === 'invalid'
        ? { message: data.message, statement: data.statements[data.failedStatement] ?? '', position: data.position }
        : null,
    [data],
  );
  useEffect(() => onInvalid?.(invalid), [invalid, onInvalid]);

  return (
    <section className="policy-preview" aria-label="Live preview">
      <header className="policy-preview__header">
        <h3>Live preview</h3>
        {query.isFetching && <span className="badge">updating…</span>}
      </header>
      <p className="policy-preview__note">
        Runs the edited policy in a transaction that is always rolled back, then reads {schema}.{table} as each identity.
      </p>
      <fieldset className="policy-preview__identities">
        <legend>Identities</legend>
        {identities.length === 0 && <p>No role is granted to authenticator yet.</p>}
        {identities.map((role) => (
          <label key={role}>
            <input
              type="checkbox"
              checked={chosen.includes(role)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, role] : c.filter((r) => r !== role)))}
            />
            {role}
          </label>
        ))}
      </fieldset>
      <div className="policy-preview__writes">
        <label>
          <input type="checkbox" checked={tryUpdate} onChange={(e) => setTryUpdate(e.target.checked)} /> Try updating each row
        </label>
        <label>
          <input type="checkbox" checked={tryInsert} onChange={(e) => setTryInsert(e.target.checked)} /> Try inserting
        </label>
        {tryInsert && (
          <textarea
            aria-label="Sample row to insert (JSON)"
            className="policy-preview__json"
            placeholder='{"name": "Test", "user_email": "user@example.com"}'
            value={insertJson}
            onChange={(e) => setInsertJson(e.target.value)}
          />
        )}
        {tryInsert && insertJson.trim() !== '' && sampleInsert === null && (
          <span className="policies__hint">The sample row is not a JSON object yet.</span>
        )}
      </div>
      {incompleteReason && change === null && <p className="policy-preview__note">{incompleteReason} Showing the table as it is now.</p>}
      {query.error && <ErrorPanel title="The preview failed" error={query.error} onRetry={() => void query.refetch()} compact />}
      {data?.kind === 'invalid' && (
        <div className="policy-preview__invalid" role="alert">
          <strong>The policy does not compile:</strong> {data.message}
        </div>
      )}
      {data?.kind === 'preview' && <PreviewResult preview={data} />}
    </section>
  );
}

function PreviewResult({ preview }: { preview: Preview }) {
  const [focus, setFocus] = useState(preview.identities[0]?.role ?? '');
  const [why, setWhy] = useState<string | null>(null);
  const identity = preview.identities.find((i) => i.role === focus) ?? preview.identities[0];
  if (!identity) return null;
  const visible = new Set(identity.visibleKeys);
  return (
    <div className="policy-preview__result">
      {!preview.rlsEnabled && (
        <p className="policy-preview__warning" role="note">
          Row-level security is off for this table: policies are not enforced, every role with SELECT sees every row.
        </p>
      )}
      {preview.limitations.map((text) => (
        <p key={text} className="policy-preview__warning" role="note">
          {text}
        </p>
      ))}
      <ul className="policy-preview__summary">
        {preview.identities.map((i) => (
          <li key={i.role}>
            <button
              type="button"
              className={`chip${i.role === identity.role ? ' chip--selected' : ''}`}
              aria-pressed={i.role === identity.role}
              onClick={() => setFocus(i.role)}
            >
              {i.role}
            </button>{' '}
            <span role="status" aria-label={`Visible rows for ${i.role}`}>
              {i.error ? `cannot read: ${i.error}` : `${countVisible(i, preview)} of ${preview.rows.length} rows visible`}
              {preview.totalRows > preview.rows.length ? ` (first ${preview.rows.length} of ${preview.totalRows})` : ''}
            </span>
            {i.insert && <span className="policy-preview__insert"> · insert: {outcomeText(i.insert)}</span>}
          </li>
        ))}
      </ul>
      <div className="policy-preview__table-wrap" tabIndex={0}>
        <table className="policy-preview__table" aria-label={`Rows as ${identity.role}`}>
          <thead>
            <tr>
              <th scope="col">As {identity.role}</th>
              {preview.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
              {identity.updates && <th scope="col">Update</th>}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, index) => {
              const shown = visible.has(row.key);
              return (
                <tr
                  key={row.key}
                  className={shown ? undefined : 'policy-preview__hidden'}
                  aria-label={shown ? 'visible row' : 'hidden row'}
                >
                  <td>
                    {shown ? (
                      'visible'
                    ) : identity.error ? (
                      // The identity reads nothing at all; why is said above the table, not per row.
                      'not readable'
                    ) : (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setWhy(why === row.key ? null : row.key)}
                        aria-expanded={why === row.key}
                      >
                        hidden — why?
                      </button>
                    )}
                  </td>
                  {row.values.map((v, i) => (
                    <td key={i}>
                      {v === null ? <span className="null">NULL</span> : typeof v === 'object' ? JSON.stringify(v) : String(v)}
                    </td>
                  ))}
                  {identity.updates && <td>{outcomeText(identity.updates[index] ?? { kind: 'noRow' })}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {why !== null && <WhyHidden preview={preview} identity={identity} rowKey={why} />}
    </div>
  );
}

function countVisible(i: IdentityResult, preview: Preview): number {
  const keys = new Set(i.visibleKeys);
  return preview.rows.filter((r) => keys.has(r.key)).length;
}

function WhyHidden({ preview, identity, rowKey }: { preview: Preview; identity: IdentityResult; rowKey: string }) {
  const index = preview.rows.findIndex((r) => r.key === rowKey);
  const permissive = identity.evaluations.filter((e) => e.permissive);
  return (
    <section className="policy-preview__why" aria-label="Why is this row hidden?">
      <h4>
        Why is row {index + 1} hidden from {identity.role}?
      </h4>
      {identity.error && (
        <p>
          {identity.role} cannot read the table at all: {identity.error}
        </p>
      )}
      {!identity.error && preview.whyHiddenUnavailable && <p>{preview.whyHiddenUnavailable}</p>}
      {!identity.error && !preview.whyHiddenUnavailable && identity.evaluations.length === 0 && (
        <p>No SELECT policy applies to {identity.role}, so with row-level security on it sees no rows (default deny).</p>
      )}
      {!identity.error && identity.evaluations.length > 0 && permissive.length === 0 && (
        <p>Only restrictive policies apply; at least one permissive policy must allow a row.</p>
      )}
      <ul>
        {identity.evaluations.map((e) => {
          const policy = preview.policies.find((p) => p.name === e.policy);
          const value = e.values[index];
          return (
            <li key={e.policy}>
              <strong>{e.policy}</strong> ({e.permissive ? 'permissive' : 'restrictive'}) USING <code>{policy?.using}</code> →{' '}
              {e.error ? `error: ${e.error}` : value === true ? 'true' : value === false ? 'false' : 'null (counts as false)'}
            </li>
          );
        })}
      </ul>
      <p className="policy-preview__note">A row is visible when any permissive policy is true and every restrictive policy is true.</p>
    </section>
  );
}

function outcomeText(o: WriteOutcome): string {
  switch (o.kind) {
    case 'allowed':
      return 'allowed';
    case 'noRow':
      return 'not visible to the write';
    case 'refused':
      return `refused: ${o.message}`;
    case 'error':
      // Postgres checks the policy before constraints, so this is not a policy refusal.
      return `not refused by a policy, but Postgres rejects the row: ${o.message}`;
    default:
      return assertNever(o, 'write outcome');
  }
}
