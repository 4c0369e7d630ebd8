import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { SqlExportFormat, SqlResultSet } from '../../../../shared/contract/sql';
import { assertNever } from '../../../../shared/contract/result';
import { ExplainPlan } from '../plan/ExplainPlan';
import type { RunState } from './useSqlRun';

const ROW_HEIGHT = 23;

/** What the results region shows: a hint, progress, an error, a plan, or the result sets. */
export function SqlResults({
  run,
  onFetchMore,
  fetching,
  fetchError,
  onExport,
}: {
  run: RunState;
  onFetchMore: () => void;
  fetching: boolean;
  fetchError: string | null;
  onExport: (statement: string, format: SqlExportFormat) => void;
}) {
  switch (run.kind) {
    case 'idle':
      return (
        <p className="sql-view__meta">Ctrl+Enter runs the selection or the statement at the cursor; Ctrl+Shift+Enter runs everything.</p>
      );
    case 'running':
      return <p className="sql-view__meta">Running…</p>;
    case 'failed':
      return (
        <p className="sql-view__error" role="alert">
          {run.message}
        </p>
      );
    case 'done': {
      const o = run.output;
      if (o.kind === 'error') {
        return (
          <div className="sql-view__error" role="alert">
            <p>
              <strong>{o.cancelled ? 'Cancelled.' : `Error ${o.code ?? ''}`}</strong> {o.message}
            </p>
            {o.detail && <p>{o.detail}</p>}
            {o.hint && <p>{o.hint}</p>}
            <p className="sql-view__meta">Nothing was changed (the transaction was rolled back). {Math.round(o.durationMs)} ms</p>
          </div>
        );
      }
      if (run.mode !== 'run') return <ExplainPlan plan={o.plan} analyzed={run.mode === 'explainAnalyze'} />;
      const last = o.results.length - 1;
      return (
        <>
          {o.results.map((r, i) => (
            <ResultSet
              key={i}
              index={i}
              result={r}
              last={i === last}
              durationMs={o.durationMs}
              open={o.transaction === 'open' && r.resultId !== null}
              onFetchMore={onFetchMore}
              fetching={fetching && r.resultId !== null}
              fetchError={i === last ? fetchError : null}
              onExport={
                r.columns.length > 0 && r.command === 'SELECT'
                  ? (f) => onExport(run.sent.slice(r.statement.start, r.statement.end), f)
                  : null
              }
            />
          ))}
        </>
      );
    }
    default:
      return assertNever(run, 'run state');
  }
}

function summary(r: SqlResultSet): string {
  const n = r.rows.length;
  if (r.rowCount !== null) return `${r.command} · ${r.rowCount} row${r.rowCount === 1 ? '' : 's'}`;
  return `${r.command} · first ${n} rows${r.resultId ? ', more on scroll' : ' (more in Postgres, not fetched: the run wrote, so its transaction is committed)'}`;
}

function ResultSet({
  index,
  result: r,
  last,
  durationMs,
  open,
  onFetchMore,
  fetching,
  fetchError,
  onExport,
}: {
  index: number;
  result: SqlResultSet;
  last: boolean;
  durationMs: number;
  open: boolean;
  onFetchMore: () => void;
  fetching: boolean;
  fetchError: string | null;
  onExport: ((format: SqlExportFormat) => void) | null;
}) {
  return (
    <div className={last ? 'sql-view__result sql-view__result--last' : 'sql-view__result'}>
      <div className="sql-view__result-bar">
        <p className="sql-view__meta" role="status">
          {summary(r)} · {Math.round(durationMs)} ms{fetching ? ' · fetching…' : ''}
          {open && (
            <span title="Its transaction stays open while you scroll; it closes when the result is complete, on a new run, on Close result, when the tab closes, or after 5 idle minutes.">
              {' · transaction open'}
            </span>
          )}
        </p>
        {onExport && (
          <span className="sql-view__export">
            <button
              type="button"
              className="button button--small"
              onClick={() => onExport('csv')}
              title="The whole result as CSV, streamed to a file"
            >
              Export CSV
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => onExport('json')}
              title="The whole result as JSON, streamed to a file"
            >
              Export JSON
            </button>
          </span>
        )}
      </div>
      {fetchError && (
        <p className="sql-view__error" role="alert">
          {fetchError}
        </p>
      )}
      {r.columns.length > 0 && <ResultTable index={index} result={r} onNearEnd={r.resultId && r.more ? onFetchMore : null} />}
    </div>
  );
}

/** The rows, virtualized (only those in view are in the DOM), asking for more near the end. */
function ResultTable({ index, result: r, onNearEnd }: { index: number; result: SqlResultSet; onNearEnd: (() => void) | null }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: r.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (onNearEnd && lastIndex >= r.rows.length - 60) onNearEnd();
  }, [lastIndex, onNearEnd, r.rows.length]);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div className="sql-view__table-wrap" ref={scroller} tabIndex={0} aria-label={`Rows of result ${index + 1}`}>
      <table className="sql-view__table" aria-label={`Result ${index + 1}`} aria-rowcount={r.rowCount ?? -1}>
        <thead>
          <tr>
            {r.columns.map((c, j) => (
              <th key={j} scope="col" title={c.type}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr aria-hidden="true" style={{ height: top }} />}
          {items.map((item) => (
            <tr key={item.index} aria-rowindex={item.index + 2}>
              {r.rows[item.index]!.map((v, k) => (
                <td key={k}>{v === null ? <span className="null">NULL</span> : v}</td>
              ))}
            </tr>
          ))}
          {bottom > 0 && <tr aria-hidden="true" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
