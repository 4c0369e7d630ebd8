import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { WINDOW_ROWS, countQuery, windowQuery, type CountMode, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { ErrorPanel } from '../../ui/ErrorPanel';
import {
  keysetColumn,
  keysetWindowQueryOf,
  rowCells,
  stableOrder,
  viewTotal,
  windowQueryOf,
  withTopPaging,
  type DataColumn,
} from './gridQuery';
import { cellClipboardText } from './cellFormat';
import { keyId, rowKeyOf, stageCell, valueFromText, type RowKey, type StagedEdit } from './stagedEdits';
import { TableGrid, type GridCommand, type GridEditing, type GridSorting } from './TableGrid';

/** How long the scroll must rest before windows under it are fetched. */
const SETTLE_MS = 60;
/** How many windows back a loaded window still serves as a keyset starting point. */
const KEYSET_REACH = 8;

/** The active cell's column and full value (cells show a cut-down text). */
export interface ActiveCell {
  readonly column: DataColumn;
  readonly value: unknown;
}

interface DataGridProps {
  readonly target: TableTarget;
  readonly query: ReadQuery;
  readonly columns: readonly DataColumn[];
  /** The table's primary key: windows sort by it when the user chose no order, and page by keyset. */
  readonly primaryKey: readonly string[];
  readonly countMode: CountMode;
  readonly label: string;
  readonly emptyMessage: string;
  /** Staged edits (shown over the loaded rows) and where new ones go; absent: read-only. */
  readonly edits?: readonly StagedEdit[];
  readonly onEdits?: (next: StagedEdit[]) => void;
  /** Failures of staged edits by edit id, in words, shown on their rows. */
  readonly editErrors?: Readonly<Record<string, string>>;
  /** The key of the row holding the active cell (null: none, or the view has no key). */
  readonly onActiveRow?: (key: RowKey | null, row: Readonly<Record<string, unknown>> | null, cell: ActiveCell | null) => void;
  readonly sorting?: GridSorting;
  readonly onCommand?: (command: GridCommand) => void;
  /** A foreign-key cell's link was followed: its column and value. */
  readonly onFollow?: (column: DataColumn, value: unknown) => void;
}

/**
 * The grid over a Data API view: the first window and the count are fetched at once (rows do not
 * wait for the count), further windows of WINDOW_ROWS as they scroll into view.
 */
export function DataGrid({
  target,
  query,
  columns,
  primaryKey,
  countMode,
  label,
  emptyMessage,
  edits,
  onEdits,
  editErrors,
  onActiveRow,
  sorting,
  onCommand,
  onFollow,
}: DataGridProps) {
  const api = usePierApi();
  const queryClient = useQueryClient();
  const [visible, setVisible] = useState({ start: 0, end: 0 });
  const onVisibleRange = useCallback((start: number, end: number) => {
    setVisible((v) => (v.start === start && v.end === end ? v : { start, end }));
  }, []);

  // Windows are fetched for where the scroll rests, not for every position a fast drag passes.
  const [settled, setSettled] = useState(visible);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(visible), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [visible]);

  const unpaged = serializeQuery(withTopPaging(query, undefined, undefined));

  const windowIndexes = [0];
  for (let i = Math.max(1, Math.floor(settled.start / WINDOW_ROWS)); i <= Math.floor(settled.end / WINDOW_ROWS); i++) windowIndexes.push(i);
  const ordered = useMemo(() => stableOrder(query, primaryKey), [query, primaryKey]);
  const orderedKey = serializeQuery(ordered);
  const keyset = useMemo(() => keysetColumn(ordered, primaryKey), [ordered, primaryKey]);
  // Each window's request is decided once per view, so its cache key never changes under it.
  const plans = useRef<{ view: string; byIndex: Map<number, string | null> }>({ view: '', byIndex: new Map() });
  const planView = JSON.stringify([target, orderedKey]);
  if (plans.current.view !== planView) plans.current = { view: planView, byIndex: new Map() };
  const planFor = (index: number): string | null => {
    const known = plans.current.byIndex.get(index);
    if (known !== undefined) return known;
    // Near a loaded window, continue after its last key (plus a short hop); far from any, use OFFSET.
    let q = null;
    for (let k = index - 1; keyset && !q && k >= Math.max(0, index - KEYSET_REACH); k--) {
      const before = loadedWindow(k);
      const lastKey = before?.length === WINDOW_ROWS ? before[WINDOW_ROWS - 1]?.[keyset.name] : undefined;
      if (lastKey !== undefined && lastKey !== null)
        q = keysetWindowQueryOf(ordered, keyset, lastKey, index * WINDOW_ROWS, WINDOW_ROWS, (index - k - 1) * WINDOW_ROWS);
    }
    q ??= windowQueryOf(ordered, index * WINDOW_ROWS, WINDOW_ROWS);
    const raw = q ? serializeQuery(q) : null;
    plans.current.byIndex.set(index, raw);
    return raw;
  };
  const loadedWindow = (index: number) => {
    const raw = plans.current.byIndex.get(index);
    return raw ? queryClient.getQueryData(windowQuery(api, target, raw, index).queryKey) : undefined;
  };
  const windowQueries = windowIndexes.map((index) => ({ index, rawQuery: planFor(index) }));
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
  // Rows already in the cache show at once, even before the scroll settles.
  for (let i = Math.floor(visible.start / WINDOW_ROWS); i <= Math.floor(visible.end / WINDOW_ROWS); i++) {
    const data = loaded.has(i) ? undefined : loadedWindow(i);
    if (data) loaded.set(i, data);
  }
  // Cell arrays per loaded window, made once, so memoized rows see the same array on every scroll.
  const cellCache = useRef(new WeakMap<readonly Record<string, unknown>[], unknown[][]>());
  const cacheColumns = useRef(columns);
  if (cacheColumns.current !== columns) {
    cacheColumns.current = columns;
    cellCache.current = new WeakMap();
  }
  const firstRows = first?.data;
  // Counted once the first rows are in: a count scans the whole view and would delay them.
  const count = useQuery({ ...countQuery(api, target, unpaged, countMode), enabled: firstRows !== undefined });
  const sampleRows = useMemo(() => (firstRows ?? []).slice(0, 50).map((r) => rowCells(r, columns)), [firstRows, columns]);

  if (first?.isError) {
    return <ErrorPanel title="The Data API refused this view" error={first.error} onRetry={() => void first.refetch()} compact />;
  }
  if (!firstRows) return <div className="grid-skeleton" role="progressbar" aria-label={`Loading ${label}`} aria-busy="true" />;

  // A short first window is the whole view; otherwise the count says how far the scroll goes.
  const counted = typeof count.data === 'number' ? viewTotal(query, count.data) : null;
  const rowCount = firstRows.length < WINDOW_ROWS ? firstRows.length : Math.max(firstRows.length, counted ?? firstRows.length);

  const rowObjectAt = (index: number) => loaded.get(Math.floor(index / WINDOW_ROWS))?.[index % WINDOW_ROWS];
  const updates = new Map<string, Extract<StagedEdit, { kind: 'update' }>>();
  const deletes = new Set<string>();
  for (const e of edits ?? []) {
    if (e.kind === 'update') updates.set(keyId(e.key), e);
    else if (e.kind === 'delete') deletes.add(keyId(e.key));
  }
  const keyAt = (index: number) => {
    const row = rowObjectAt(index);
    return row ? rowKeyOf(row, primaryKey) : null;
  };
  const updateAt = (index: number) => {
    const key = keyAt(index);
    return key ? updates.get(keyId(key)) : undefined;
  };

  const rowAt = (index: number) => {
    const rows = loaded.get(Math.floor(index / WINDOW_ROWS));
    if (!rows) return undefined;
    let cells = cellCache.current.get(rows);
    if (!cells) {
      cells = rows.map((r) => rowCells(r, columns));
      cellCache.current.set(rows, cells);
    }
    const base = cells[index % WINDOW_ROWS];
    const update = updates.size ? updateAt(index) : undefined;
    if (!base || !update) return base;
    return base.map((v, i) => {
      const source = columns[i]?.source;
      return source !== undefined && source in update.changes ? update.changes[source] : v;
    });
  };

  const keyed = primaryKey.length > 0 && primaryKey.every((k) => columns.some((c) => c.source === k));
  const editing: GridEditing | undefined =
    edits && onEdits && keyed
      ? {
          canEdit: (row, dataIndex) => {
            const key = keyAt(row);
            return columns[dataIndex]?.source !== undefined && key !== null && !deletes.has(keyId(key));
          },
          commit: (row, dataIndex, text) => {
            const column = columns[dataIndex];
            const object = rowObjectAt(row);
            const key = keyAt(row);
            if (!column?.source || !object || !key) return 'This cell cannot be edited.';
            const original = object[column.source];
            let value: unknown = null;
            if (text !== null) {
              if (original !== null && original !== undefined && text === cellClipboardText(original)) value = original;
              else {
                const parsed = valueFromText(text, column.type);
                if (!parsed.ok) return parsed.message;
                value = parsed.value;
              }
            }
            onEdits(stageCell(edits, key, column.source, value, original));
            return null;
          },
          cellChanged: (row, dataIndex) => {
            const source = columns[dataIndex]?.source;
            const update = updates.size ? updateAt(row) : undefined;
            return source !== undefined && update !== undefined && source in update.changes;
          },
          rowMark: (row) => {
            const key = keyAt(row);
            if (!key) return null;
            const k = keyId(key);
            if (editErrors?.[`update:${k}`] || editErrors?.[`delete:${k}`]) return 'error';
            return deletes.has(k) ? 'deleted' : null;
          },
          rowError: (row) => {
            const key = keyAt(row);
            if (!key) return null;
            const k = keyId(key);
            return editErrors?.[`update:${k}`] ?? editErrors?.[`delete:${k}`] ?? null;
          },
        }
      : undefined;

  return (
    <TableGrid
      label={label}
      columns={columns}
      rowCount={rowCount}
      rowAt={rowAt}
      sampleRows={sampleRows}
      onVisibleRange={onVisibleRange}
      emptyMessage={emptyMessage}
      editing={editing}
      sorting={sorting}
      onCommand={onCommand}
      onFollow={
        onFollow &&
        ((row, dataIndex) => {
          const column = columns[dataIndex];
          const value = rowAt(row)?.[dataIndex];
          if (column && value !== undefined && value !== null) onFollow(column, value);
        })
      }
      onActiveChange={(pos, dataIndex) => {
        const column = dataIndex !== null ? columns[dataIndex] : undefined;
        const cells = pos ? rowAt(pos.row) : undefined;
        onActiveRow?.(
          pos ? keyAt(pos.row) : null,
          pos ? (rowObjectAt(pos.row) ?? null) : null,
          column && cells && dataIndex !== null ? { column, value: cells[dataIndex] } : null,
        );
      }}
    />
  );
}
