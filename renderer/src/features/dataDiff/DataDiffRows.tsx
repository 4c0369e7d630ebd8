import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { DataDiffKind, DataDiffRow, DataDiffSummary } from '../../../../shared/contract/dataDiff';
import { DATA_DIFF_PAGE_ROWS, dataDiffPageQuery } from '../../api/dataDiff';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';

const KIND_WORD: Record<DataDiffKind, string> = { added: 'added', removed: 'removed', changed: 'changed' };

/** The differing rows of the kinds shown, a page at a time; changed cells show old → new. */
export function DataDiffRows({ summary, kinds }: { summary: DataDiffSummary; kinds: readonly DataDiffKind[] }) {
  const api = usePierApi();
  const [offsets, setOffsets] = useState<ReadonlyMap<string, number>>(new Map());
  const kindsKey = kinds.join(',');
  const offset = offsets.get(kindsKey) ?? 0;
  const page = useQuery(dataDiffPageQuery(api, summary.diffId, kinds, offset));
  const setOffset = (n: number) => setOffsets((m) => new Map(m).set(kindsKey, n));

  if (kinds.length === 0) return <p className="data-diff__meta">Pick a kind of row to list.</p>;
  if (page.isError) return <ErrorPanel title="Couldn’t read the differing rows" error={page.error} onRetry={() => void page.refetch()} />;
  const total = page.data?.total ?? 0;
  const last = Math.min(offset + DATA_DIFF_PAGE_ROWS, total);
  return (
    <div className="data-diff__rows">
      <div className="data-diff__pager">
        <span className="data-diff__meta" aria-live="polite">
          {page.data
            ? total === 0
              ? 'No rows of these kinds'
              : `Rows ${offset + 1}–${last} of ${total.toLocaleString()}`
            : 'Reading rows…'}
        </span>
        <button
          type="button"
          className="button button--small"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - DATA_DIFF_PAGE_ROWS))}
        >
          Previous
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={last >= total}
          onClick={() => setOffset(offset + DATA_DIFF_PAGE_ROWS)}
        >
          Next
        </button>
      </div>
      <div className="data-diff__scroll">
        <table className="data-diff__table" aria-label="Differing rows">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              {summary.columns.map((c) => (
                <th key={c} scope="col" className={summary.keyColumns.includes(c) ? 'data-diff__key' : undefined}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.data?.rows.map((row) => (
              <Row key={`${row.kind}:${JSON.stringify(row.key)}`} row={row} columns={summary.columns} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Row({ row, columns }: { row: DataDiffRow; columns: readonly string[] }) {
  const changed = new Set(row.changedColumns);
  return (
    <tr className={`data-diff__row data-diff__row--${row.kind}`}>
      <td>
        <span className={`data-diff__kind data-diff__kind--${row.kind}`}>{KIND_WORD[row.kind]}</span>
      </td>
      {columns.map((c, i) => {
        if (row.kind === 'changed' && changed.has(c)) {
          return (
            <td key={c} className="data-diff__cell--changed">
              <del aria-label={`${c} was ${row.base?.[i] ?? 'NULL'}`}>
                <Value value={row.base?.[i] ?? null} />
              </del>
              <span aria-hidden="true"> → </span>
              <ins aria-label={`${c} is now ${row.target?.[i] ?? 'NULL'}`}>
                <Value value={row.target?.[i] ?? null} />
              </ins>
            </td>
          );
        }
        return (
          <td key={c}>
            <Value value={(row.kind === 'added' ? row.target : row.base)?.[i] ?? null} />
          </td>
        );
      })}
    </tr>
  );
}

function Value({ value }: { value: string | null }) {
  if (value === null) return <span className="data-diff__null">NULL</span>;
  return <span title={value.length > 60 ? value : undefined}>{value.length > 60 ? `${value.slice(0, 60)}…` : value}</span>;
}
