import { useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { WINDOW_ROWS, countQuery, windowQuery, type CountMode, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { rowCells, viewTotal, windowQueryOf, withTopPaging, type DataColumn } from './gridQuery';
import { TableGrid } from './TableGrid';

interface DataGridProps {
  readonly target: TableTarget;
  readonly query: ReadQuery;
  readonly columns: readonly DataColumn[];
  readonly countMode: CountMode;
  readonly label: string;
  readonly emptyMessage: string;
}

/**
 * The grid over a Data API view: the first window and the count are fetched at once (rows do not
 * wait for the count), further windows of WINDOW_ROWS as they scroll into view.
 */
export function DataGrid({ target, query, columns, countMode, label, emptyMessage }: DataGridProps) {
  const api = usePierApi();
  const [visible, setVisible] = useState({ start: 0, end: 0 });
  const onVisibleRange = useCallback((start: number, end: number) => {
    setVisible((v) => (v.start === start && v.end === end ? v : { start, end }));
  }, []);

  const unpaged = serializeQuery(withTopPaging(query, undefined, undefined));
  const count = useQuery(countQuery(api, target, unpaged, countMode));

  const firstWindow = Math.floor(visible.start / WINDOW_ROWS);
  const lastWindow = Math.floor(visible.end / WINDOW_ROWS);
  const windowIndexes = [0];
  for (let i = Math.max(1, firstWindow); i <= lastWindow; i++) windowIndexes.push(i);
  const windowQueries = windowIndexes.map((index) => {
    const q = windowQueryOf(query, index * WINDOW_ROWS, WINDOW_ROWS);
    return { index, rawQuery: q ? serializeQuery(q) : null };
  });
  const windows = useQueries({
    queries: windowQueries.map(({ index, rawQuery }) => ({
      ...windowQuery(api, target, rawQuery ?? '', index),
      enabled: rawQuery !== null,
    })),
  });

  const first = windows[0];
  const loaded = new Map<number, readonly Record<string, unknown>[]>();
  windows.forEach((w, i) => {
    const index = windowIndexes[i];
    if (w.data && index !== undefined) loaded.set(index, w.data);
  });
  const firstRows = first?.data;
  const sampleRows = useMemo(() => (firstRows ?? []).slice(0, 50).map((r) => rowCells(r, columns)), [firstRows, columns]);

  if (first?.isError) {
    return <ErrorPanel title="The Data API refused this view" error={first.error} onRetry={() => void first.refetch()} compact />;
  }
  if (!firstRows) return <div className="grid-skeleton" role="progressbar" aria-label={`Loading ${label}`} aria-busy="true" />;

  // A short first window is the whole view; otherwise the count says how far the scroll goes.
  const counted = typeof count.data === 'number' ? viewTotal(query, count.data) : null;
  const rowCount = firstRows.length < WINDOW_ROWS ? firstRows.length : Math.max(firstRows.length, counted ?? firstRows.length);

  const rowAt = (index: number) => {
    const rows = loaded.get(Math.floor(index / WINDOW_ROWS));
    const row = rows?.[index % WINDOW_ROWS];
    return row ? rowCells(row, columns) : undefined;
  };

  return (
    <TableGrid
      label={label}
      columns={columns}
      rowCount={rowCount}
      rowAt={rowAt}
      sampleRows={sampleRows}
      onVisibleRange={onVisibleRange}
      emptyMessage={emptyMessage}
    />
  );
}
