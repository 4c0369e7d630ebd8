import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DataDiffKind, DataDiffStartInput, DataDiffSummary } from '../../../../shared/contract/dataDiff';
import { locationKey, locationOf, workspaceOf, type Location } from '../../../../shared/contract/location';
import { branchesQuery, databasesQuery, projectOf } from '../../api/cloud';
import { closeDataDiff, dataDiffSummaryQuery } from '../../api/dataDiff';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { branchShortName } from '../../ui/locationText';
import { DataDiffRows } from './DataDiffRows';
import { defaultOtherBranch, defaultOtherDatabase } from './otherSide';
import './dataDiff.css';

const KIND_LABELS: Record<DataDiffKind | 'unchanged', string> = {
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
  unchanged: 'Unchanged',
};
const ALL_KINDS: readonly DataDiffKind[] = ['added', 'removed', 'changed'];

/**
 * The comparison each tab last ran, so switching to another tab and back (only the active tab is
 * mounted) shows it again from the query cache instead of hashing both sides anew.
 */
const lastAsked = new Map<string, { readonly asked: DataDiffStartInput; readonly run: number; readonly swapped: boolean }>();

const sideName = (at: Location) => `${branchShortName(at.branch)} / ${at.database}`;

/**
 * A table's data compared with the same table on another branch or database of its project, by
 * primary key: the other side is the base ("removed" rows are only there, "old" values are its),
 * this tab's location the newer side — unless swapped.
 */
export function DataDiffView({ at, schema, table }: { at: Location; schema: string; table: string }) {
  const api = usePierApi();
  const workspace = workspaceOf(at);
  const project = projectOf(at.branch) ?? '';
  const branches = useQuery(branchesQuery(api, workspace, project));
  const tabKey = JSON.stringify([...locationKey(at), schema, table]);
  const [last] = useState(() => lastAsked.get(tabKey));
  const lastOther = last && (last.swapped ? last.asked.target : last.asked.base);
  const [otherBranch, setOtherBranch] = useState<string | null>(lastOther?.branch ?? null);
  const chosenBranch = otherBranch ?? (branches.data ? defaultOtherBranch(branches.data, at.branch) : null);
  const databases = useQuery({ ...databasesQuery(api, workspace, chosenBranch ?? ''), enabled: chosenBranch !== null });
  const [otherDatabase, setOtherDatabase] = useState<string | null>(lastOther?.database ?? null);
  const databaseNames = useMemo(() => databases.data?.map((d) => d.postgresDatabase) ?? [], [databases.data]);
  const chosenDatabase =
    otherDatabase !== null && databaseNames.includes(otherDatabase)
      ? otherDatabase
      : chosenBranch && defaultOtherDatabase(databaseNames, at.database, chosenBranch === at.branch);
  const other = chosenBranch && chosenDatabase ? locationOf(workspace, chosenBranch, chosenDatabase) : null;

  const [swapped, setSwapped] = useState(last?.swapped ?? false);
  const [asked, setAsked] = useState<DataDiffStartInput | null>(last?.asked ?? null);
  const [run, setRun] = useState(last?.run ?? 0);
  const summary = useQuery(dataDiffSummaryQuery(api, asked, run));
  const diffId = summary.data?.diffId;
  // Main keeps a comparison until it is closed (or an hour unused): close one a new one replaces.
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    const previous = shown.current;
    if (previous && previous !== diffId) void closeDataDiff(api, previous).catch(() => undefined);
    if (diffId) shown.current = diffId;
  }, [api, diffId]);

  const compare = () => {
    if (!other) return;
    const [base, target] = swapped ? [at, other] : [other, at];
    const next = { base, target, schema, table };
    setAsked(next);
    setRun(run + 1);
    lastAsked.set(tabKey, { asked: next, run: run + 1, swapped });
  };
  const sameSide = other !== null && other.branch === at.branch && other.database === at.database;

  return (
    <div className="data-diff">
      <div className="data-diff__toolbar">
        <h2 className="data-diff__title">
          Compare data · {schema}.{table}
        </h2>
        <label className="data-diff__field">
          Other branch
          <select
            value={chosenBranch ?? ''}
            disabled={!branches.data}
            onChange={(e) => {
              setOtherBranch(e.target.value);
              setOtherDatabase(null);
            }}
          >
            {branches.data?.map((b) => (
              <option key={b.name} value={b.name}>
                {branchShortName(b.name)}
                {b.name === at.branch ? ' (this branch)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="data-diff__field">
          Database
          <select value={chosenDatabase ?? ''} disabled={!databases.data} onChange={(e) => setOtherDatabase(e.target.value)}>
            {databaseNames.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button--small" aria-pressed={swapped} onClick={() => setSwapped((s) => !s)}>
          Swap sides
        </button>
        <button
          type="button"
          className="button button--small button--primary"
          disabled={!other || sameSide || summary.isFetching}
          onClick={compare}
        >
          {asked ? 'Compare again' : 'Compare'}
        </button>
      </div>
      {other && (
        <p className="data-diff__sides">
          Base <strong>{sideName(swapped ? at : other)}</strong> → compared <strong>{sideName(swapped ? other : at)}</strong>
          {sameSide && <span className="data-diff__warn"> · pick another branch or database</span>}
        </p>
      )}
      {branches.isError && (
        <ErrorPanel title="Couldn’t list the project’s branches" error={branches.error} onRetry={() => void branches.refetch()} />
      )}
      {summary.isFetching && (
        <p className="data-diff__meta" aria-live="polite">
          Hashing both sides in Postgres…
        </p>
      )}
      {summary.isError && !summary.isFetching && (
        <ErrorPanel title={`Couldn’t compare ${schema}.${table}`} error={summary.error} onRetry={() => void summary.refetch()} />
      )}
      {summary.data && !summary.isFetching && <Result summary={summary.data} />}
      {!asked && !summary.isFetching && (
        <p className="data-diff__meta">
          Rows are matched by primary key and hashed in Postgres on both sides; only the parts that differ are read again.
        </p>
      )}
    </div>
  );
}

function Result({ summary }: { summary: DataDiffSummary }) {
  const [kinds, setKinds] = useState<readonly DataDiffKind[]>(ALL_KINDS);
  const toggle = (kind: DataDiffKind) =>
    setKinds((current) =>
      current.includes(kind) ? current.filter((k) => k !== kind) : ALL_KINDS.filter((k) => k === kind || current.includes(k)),
    );
  const differing = summary.counts.added + summary.counts.removed + summary.counts.changed;
  return (
    <>
      <div className="data-diff__counts" role="group" aria-label="Show rows of kind">
        {ALL_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className={`data-diff__count data-diff__count--${kind}`}
            aria-pressed={kinds.includes(kind)}
            onClick={() => toggle(kind)}
          >
            <span className="data-diff__count-number">{summary.counts[kind].toLocaleString()}</span> {KIND_LABELS[kind]}
          </button>
        ))}
        <span className="data-diff__count data-diff__count--unchanged">
          <span className="data-diff__count-number">{summary.counts.unchanged.toLocaleString()}</span> {KIND_LABELS.unchanged}
        </span>
        <span className="data-diff__meta">
          {summary.baseRows.toLocaleString()} → {summary.targetRows.toLocaleString()} rows · {(summary.elapsedMs / 1000).toFixed(1)} s
        </span>
      </div>
      <ColumnNotes summary={summary} />
      {differing === 0 ? (
        <p className="data-diff__same" role="status">
          The table’s rows are the same on both sides.
        </p>
      ) : (
        <DataDiffRows summary={summary} kinds={kinds} />
      )}
    </>
  );
}

function ColumnNotes({ summary }: { summary: DataDiffSummary }) {
  const notes: string[] = [];
  if (summary.onlyInBase.length > 0) notes.push(`Only on the base (not compared): ${summary.onlyInBase.join(', ')}`);
  if (summary.onlyInTarget.length > 0) notes.push(`Only on the compared side (not compared): ${summary.onlyInTarget.join(', ')}`);
  for (const t of summary.typeDifferences)
    notes.push(`${t.column} is ${t.base} on the base and ${t.target} on the other side (compared as text)`);
  if (notes.length === 0) return null;
  return (
    <ul className="data-diff__notes" aria-label="Column differences">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}
