import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../../ui/Icon';
import { cellClipboardText, formatCell } from './cellFormat';
import { NOT_NULL_SUFFIX, clampColumnWidth, layoutGrid, moveColumn, type ColumnInfo, type GridColumn, type GridLayout } from './gridLayout';
import { moveActiveCell, rangeAsTsv, rangeBetween, type CellPosition, type CellRange } from './gridNavigation';
import { NestedGridDialog } from './NestedGridDialog';
import { nestedRowsOf, nestedSummary } from './nestedGrid';
import './grid.css';

export const ROW_HEIGHT = 30;
const COLUMN_DRAG_TYPE = 'application/x-pier-column';
const HEADER_HEIGHT = 44;

interface TableGridProps {
  /** Accessible name, e.g. "public.clients rows". */
  readonly label: string;
  readonly columns: readonly ColumnInfo[];
  /** Rows in the whole view; only the visible ones need to be loaded. */
  readonly rowCount: number;
  /** A row's cells in column order, or undefined while its window is loading. */
  readonly rowAt: (index: number) => readonly unknown[] | undefined;
  /** Loaded rows to size columns by (the first window). */
  readonly sampleRows: readonly (readonly unknown[])[];
  /** Told which rows are on screen (plus overscan), so their windows get fetched. */
  readonly onVisibleRange?: (start: number, end: number) => void;
  /** Shown under the header when there are no rows. */
  readonly emptyMessage: string;
  /** Inline editing; absent for a read-only grid. */
  readonly editing?: GridEditing;
  /** Told when the active cell moves (row actions act on its row), with its column's data index. */
  readonly onActiveChange?: (pos: CellPosition | null, dataIndex: number | null) => void;
  /** Header-click sorting; absent: headers do not sort. */
  readonly sorting?: GridSorting;
  /** Ctrl+Z, Ctrl+Shift+Z (or Ctrl+Y) and Ctrl+S while the grid has focus. */
  readonly onCommand?: (command: GridCommand) => void;
  /** Opens the row a foreign-key cell references; absent: cells do not link. */
  readonly onFollow?: (row: number, dataIndex: number) => void;
  /** What this grid's rows are, when it is itself a nested grid ("projects"): names deeper ones. */
  readonly rowNoun?: string;
}

export type GridCommand = 'undo' | 'redo' | 'save';

/** Sorting by header click, by data index; only columns `sortOf` does not return undefined for sort. */
export interface GridSorting {
  /** The column's place in the sort (rank from 1), null when unsorted, undefined when it cannot sort. */
  readonly sortOf: (dataIndex: number) => { readonly direction: 'asc' | 'desc'; readonly rank: number } | null | undefined;
  /** How many keys the sort has (ranks are shown only when there are several). */
  readonly keys: number;
  readonly onSort: (dataIndex: number, additive: boolean) => void;
}

/** What the grid asks of whoever stages its edits. Positions are view rows and data indexes. */
export interface GridEditing {
  readonly canEdit: (row: number, dataIndex: number) => boolean;
  /** Stages typed text (null: set NULL); returns why it was refused, or null. */
  readonly commit: (row: number, dataIndex: number, text: string | null) => string | null;
  readonly cellChanged: (row: number, dataIndex: number) => boolean;
  readonly rowMark: (row: number) => 'deleted' | 'error' | null;
  /** The row's staged-change failure, in words. */
  readonly rowError: (row: number) => string | null;
}

/**
 * Read-only grid: sticky header, primary key pinned left, rows virtualized so a page of a huge
 * table costs the same as a small one. Keyboard: the grid is one tab stop with an active cell.
 */
export function TableGrid({
  label,
  columns,
  rowCount,
  rowAt,
  sampleRows,
  onVisibleRange,
  emptyMessage,
  editing,
  onActiveChange,
  sorting,
  onCommand,
  onFollow,
  rowNoun,
}: TableGridProps) {
  const [widths, setWidths] = useState<Readonly<Record<string, number>>>({});
  const [order, setOrder] = useState<readonly string[]>([]);
  const layout = useMemo(() => layoutGrid(columns, sampleRows, widths, rowCount, order), [columns, sampleRows, widths, rowCount, order]);
  const reorder = (from: string, to: string) =>
    setOrder(
      moveColumn(
        layout.columns.map((c) => c.info.name),
        from,
        to,
      ),
    );
  const resizeColumn = (name: string, width: number | null) =>
    setWidths((prev) => {
      const next = { ...prev };
      if (width === null) delete next[name];
      else next[name] = clampColumnWidth(width);
      return next;
    });
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridId = useId();
  const [active, setActiveState] = useState<CellPosition | null>(null);
  // Shift+arrows or Shift+click select the block from here to the active cell.
  const [anchor, setAnchor] = useState<CellPosition | null>(null);
  const range: CellRange | null = anchor && active ? rangeBetween(anchor, active) : null;
  const [editor, setEditor] = useState<{ row: number; col: number; error: string | null } | null>(null);
  // The to-many embed cell whose rows are open in a nested grid.
  const [opened, setOpened] = useState<CellPosition | null>(null);
  const onActiveChangeRef = useRef(onActiveChange);
  onActiveChangeRef.current = onActiveChange;
  const layoutRef = useRef<GridLayout | null>(null);
  layoutRef.current = layout;
  const setActive = useCallback((pos: CellPosition | null) => {
    setActiveState(pos);
    onActiveChangeRef.current?.(pos, pos ? (layoutRef.current?.columns[pos.col]?.dataIndex ?? null) : null);
  }, []);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const cellId = (pos: CellPosition) => `${gridId}-r${pos.row}-c${pos.col}`;
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (last >= first) onVisibleRange?.(first, last);
  }, [first, last, onVisibleRange]);

  const revealColumn = (col: number) => {
    const el = scrollRef.current;
    const column = layout.columns[col];
    if (!el || !column || column.pinned) return;
    const start = layout.gutterWidth + column.left;
    const end = start + column.width;
    if (start - layout.pinnedWidth < el.scrollLeft) el.scrollLeft = start - layout.pinnedWidth;
    else if (end > el.scrollLeft + el.clientWidth) el.scrollLeft = end - el.clientWidth;
  };

  /** Opens a to-many embed cell's rows; false when the cell is not one (or has none). */
  const openNested = (pos: CellPosition): boolean => {
    const column = layout.columns[pos.col];
    const rows = column?.info.nested ? nestedRowsOf(rowAt(pos.row)?.[column.dataIndex]) : null;
    if (!rows || rows.length === 0) return false;
    setActive(pos);
    setOpened(pos);
    return true;
  };
  const closeNested = () => {
    setOpened(null);
    scrollRef.current?.focus();
  };

  const startEditing = (pos: CellPosition) => {
    const column = layout.columns[pos.col];
    if (column && editing?.canEdit(pos.row, column.dataIndex)) setEditor({ ...pos, error: null });
  };
  const commitEditor = (text: string | null, move: CellPosition | null) => {
    if (!editor) return;
    const column = layout.columns[editor.col];
    const error = column ? (editing?.commit(editor.row, column.dataIndex, text) ?? null) : null;
    if (error) {
      setEditor({ ...editor, error });
      return;
    }
    setEditor(null);
    if (move) setActive(move);
    scrollRef.current?.focus();
  };

  // Rows are memoized: hand them callbacks that never change identity but always see this render.
  const select = (pos: CellPosition, extend: boolean) => {
    if (extend && active) setAnchor((a) => a ?? active);
    else setAnchor(null);
    setActive(pos);
  };
  const follow = (pos: CellPosition) => {
    const column = layout.columns[pos.col];
    if (column) onFollow?.(pos.row, column.dataIndex);
  };
  const latest = useRef({ startEditing, commitEditor, select, follow, openNested });
  latest.current = { startEditing, commitEditor, select, follow, openNested };
  const stable = useMemo(
    () => ({
      startEditing: (pos: CellPosition) => latest.current.startEditing(pos),
      commitEditor: (text: string | null, move: CellPosition | null) => latest.current.commitEditor(text, move),
      select: (pos: CellPosition, extend: boolean) => latest.current.select(pos, extend),
      follow: (pos: CellPosition) => latest.current.follow(pos),
      openNested: (pos: CellPosition) => void latest.current.openNested(pos),
      cancelEditor: () => {
        setEditor(null);
        scrollRef.current?.focus();
      },
    }),
    [],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (editor) return; // the editor's input handles its own keys
    const at = active ?? { row: 0, col: 0 };
    const command = (event.ctrlKey || event.metaKey) && !event.altKey ? commandOf(event.key, event.shiftKey) : null;
    if (command) {
      // Always ours while the grid has focus: the browser's own undo would reach the URL bar's text.
      event.preventDefault();
      onCommand?.(command);
      return;
    }
    if (event.altKey && event.shiftKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight') && active) {
      // Keyboard column move: the active column trades places with its neighbour.
      const here = layout.columns[active.col];
      const next = layout.columns[active.col + (event.key === 'ArrowLeft' ? -1 : 1)];
      if (here && next && !here.pinned && !next.pinned) {
        event.preventDefault();
        reorder(here.info.name, next.info.name);
        setActive({ row: active.row, col: active.col + (event.key === 'ArrowLeft' ? -1 : 1) });
      }
      return;
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && active && onFollow) {
      event.preventDefault();
      follow(active);
      return;
    }
    if ((event.key === 'Enter' || event.key === 'F2') && active) {
      event.preventDefault();
      if (event.key === 'Enter' && openNested(active)) return;
      startEditing(active);
      return;
    }
    if (event.key === 'Delete' && active && editing) {
      const column = layout.columns[active.col];
      if (column && editing.canEdit(active.row, column.dataIndex)) {
        event.preventDefault();
        editing.commit(active.row, column.dataIndex, null);
      }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c' && active) {
      const textAt = (row: number, col: number) => {
        const column = layout.columns[col];
        const cells = column ? rowAt(row) : undefined;
        return cells && column ? cellClipboardText(cells[column.dataIndex]) : '';
      };
      const text = range ? rangeAsTsv(range, textAt) : textAt(active.row, active.col);
      void navigator.clipboard?.writeText(text).catch(() => undefined);
      event.preventDefault();
      return;
    }
    const pageRows = Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT);
    const next = moveActiveCell(event.key, event.ctrlKey || event.metaKey, at, { rows: rowCount, cols: layout.columns.length, pageRows });
    if (!next) return;
    event.preventDefault();
    if (event.shiftKey) setAnchor((a) => a ?? at);
    else setAnchor(null);
    setActive(next);
    virtualizer.scrollToIndex(next.row, { align: 'auto' });
    revealColumn(next.col);
  };

  const isEmpty = rowCount === 0;
  return (
    <div
      ref={scrollRef}
      className="grid"
      role="grid"
      aria-label={label}
      aria-readonly="true"
      aria-rowcount={rowCount + 1}
      aria-colcount={layout.columns.length}
      aria-activedescendant={active && !isEmpty ? cellId(active) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (!active && !isEmpty) setActive({ row: 0, col: 0 });
      }}
    >
      <div className="grid__canvas" style={{ width: layout.totalWidth }}>
        <div role="rowgroup" className="grid__head">
          <div role="row" aria-rowindex={1} className="grid__row grid__row--head" style={{ height: HEADER_HEIGHT }}>
            <div className="grid__gutter grid__gutter--head" style={{ width: layout.gutterWidth }} aria-hidden="true">
              #
            </div>
            {layout.columns.map((column, col) => (
              <HeaderCell
                key={column.dataIndex}
                column={column}
                gutterWidth={layout.gutterWidth}
                colIndex={col + 1}
                onResize={(width) => resizeColumn(column.info.name, width)}
                onDropColumn={(from) => reorder(from, column.info.name)}
                sort={sorting?.sortOf(column.dataIndex)}
                sortKeys={sorting?.keys ?? 0}
                onSort={sorting ? (additive) => sorting.onSort(column.dataIndex, additive) : undefined}
              />
            ))}
          </div>
        </div>
        {isEmpty ? (
          <div className="grid__empty">
            <Icon name="empty" />
            {emptyMessage}
          </div>
        ) : (
          <div role="rowgroup" className="grid__body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <GridRow
                key={item.key}
                index={item.index}
                start={item.start}
                cells={rowAt(item.index)}
                layout={layout}
                activeCol={active?.row === item.index ? active.col : null}
                idPrefix={gridId}
                onSelect={stable.select}
                selectedCols={range && item.index >= range.top && item.index <= range.bottom ? `${range.left}-${range.right}` : ''}
                mark={editing?.rowMark(item.index) ?? null}
                rowError={editing?.rowError(item.index) ?? null}
                changed={editing ? layout.columns.map((c) => editing.cellChanged(item.index, c.dataIndex)).join() : ''}
                editor={editor?.row === item.index ? editor : null}
                onEdit={editing ? stable.startEditing : undefined}
                onCommit={stable.commitEditor}
                onCancel={stable.cancelEditor}
                onFollow={onFollow ? stable.follow : undefined}
                onOpenNested={stable.openNested}
              />
            ))}
          </div>
        )}
      </div>
      {opened && (
        <OpenedNested
          pos={opened}
          layout={layout}
          rowAt={rowAt}
          rowNoun={rowNoun}
          anchor={document.getElementById(cellId(opened))}
          onClose={closeNested}
        />
      )}
    </div>
  );
}

/** The nested grid for the opened cell, while its value is still a list of rows. */
function OpenedNested({
  pos,
  layout,
  rowAt,
  rowNoun,
  anchor,
  onClose,
}: {
  pos: CellPosition;
  layout: GridLayout;
  rowAt: (index: number) => readonly unknown[] | undefined;
  rowNoun: string | undefined;
  anchor: HTMLElement | null;
  onClose: () => void;
}) {
  const column = layout.columns[pos.col];
  const rows = column?.info.nested ? nestedRowsOf(rowAt(pos.row)?.[column.dataIndex]) : null;
  if (!column?.info.nested || !rows) return null;
  return (
    <NestedGridDialog
      shape={column.info.nested}
      rows={rows}
      owner={`${rowNoun ? `${rowNoun} ` : ''}row ${pos.row + 1}`}
      anchor={anchor}
      onClose={onClose}
    />
  );
}

function commandOf(key: string, shift: boolean): GridCommand | null {
  switch (key.toLowerCase()) {
    case 'z':
      return shift ? 'redo' : 'undo';
    case 'y':
      return 'redo';
    case 's':
      return 'save';
    default:
      return null;
  }
}

interface GridRowProps {
  readonly index: number;
  readonly start: number;
  /** Undefined while the row's window is loading. */
  readonly cells: readonly unknown[] | undefined;
  readonly layout: GridLayout;
  readonly activeCol: number | null;
  readonly idPrefix: string;
  readonly onSelect: (pos: CellPosition, extend: boolean) => void;
  /** `left-right` columns selected in this row, or '' (a string keeps the row's memo cheap). */
  readonly selectedCols: string;
  readonly mark: 'deleted' | 'error' | null;
  readonly rowError: string | null;
  /** Which cells hold staged values, as a comma-joined list of booleans (a stable memo key). */
  readonly changed: string;
  readonly editor: { readonly col: number; readonly error: string | null } | null;
  readonly onEdit: ((pos: CellPosition) => void) | undefined;
  readonly onCommit: (text: string | null, move: CellPosition | null) => void;
  readonly onCancel: () => void;
  readonly onFollow: ((pos: CellPosition) => void) | undefined;
  readonly onOpenNested: (pos: CellPosition) => void;
}

/** One row; memoized so scrolling re-renders only rows that moved in or whose data arrived. */
const GridRow = memo(function GridRow({
  index,
  start,
  cells,
  layout,
  activeCol,
  idPrefix,
  onSelect,
  selectedCols,
  mark,
  rowError,
  changed,
  editor,
  onEdit,
  onCommit,
  onCancel,
  onFollow,
  onOpenNested,
}: GridRowProps) {
  const changedCells = changed.split(',');
  const [selLeft, selRight] = selectedCols ? selectedCols.split('-').map(Number) : [-1, -2];
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`grid__row${index % 2 === 1 ? ' grid__row--odd' : ''}${activeCol !== null ? ' grid__row--active' : ''}${mark ? ` grid__row--${mark}` : ''}`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      title={rowError ?? undefined}
    >
      <div className="grid__gutter" style={{ width: layout.gutterWidth }} aria-hidden="true">
        {mark === 'error' ? <Icon name="error" className="grid__row-error" /> : index + 1}
      </div>
      {layout.columns.map((column, col) =>
        cells === undefined ? (
          <div
            key={column.dataIndex}
            role="gridcell"
            aria-colindex={col + 1}
            aria-busy="true"
            className={`grid__cell grid__cell--loading${pinClasses(column)}`}
            style={{ width: column.width, left: column.pinned ? layout.gutterWidth + column.left : undefined }}
          >
            <span className="skeleton" style={{ width: Math.min(column.width - 24, 40 + ((index * 7 + col * 13) % 60)) }} />
          </div>
        ) : (
          <Cell
            key={column.dataIndex}
            id={`${idPrefix}-r${index}-c${col}`}
            column={column}
            value={cells[column.dataIndex]}
            gutterWidth={layout.gutterWidth}
            colIndex={col + 1}
            active={activeCol === col}
            changed={changedCells[col] === 'true'}
            selected={selLeft !== undefined && selRight !== undefined && col >= selLeft && col <= selRight}
            onSelect={(extend) => onSelect({ row: index, col }, extend)}
            onEdit={onEdit ? () => onEdit({ row: index, col }) : undefined}
            onFollow={onFollow ? () => onFollow({ row: index, col }) : undefined}
            onOpenNested={() => onOpenNested({ row: index, col })}
            editor={
              editor?.col === col
                ? {
                    error: editor.error,
                    onCommit: (text, moveRight) => onCommit(text, moveRight ? { row: index, col: col + 1 } : null),
                    onCancel,
                  }
                : null
            }
          />
        ),
      )}
    </div>
  );
});

function pinClasses(column: GridColumn): string {
  if (!column.pinned) return '';
  return column.pinEdge ? ' grid__cell--pinned grid__cell--pin-edge' : ' grid__cell--pinned';
}

interface HeaderCellProps {
  readonly column: GridColumn;
  readonly gutterWidth: number;
  readonly colIndex: number;
  /** A dragged width, or null to go back to the automatic one. */
  readonly onResize: (width: number | null) => void;
  /** Another header was dropped on this one. */
  readonly onDropColumn: (from: string) => void;
  readonly sort: { readonly direction: 'asc' | 'desc'; readonly rank: number } | null | undefined;
  readonly sortKeys: number;
  readonly onSort: ((additive: boolean) => void) | undefined;
}

function HeaderCell({ column, gutterWidth, colIndex, onResize, onDropColumn, sort, sortKeys, onSort }: HeaderCellProps) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const { info } = column;
  const sortable = onSort !== undefined && sort !== undefined;
  const facts = [info.type, info.isPrimaryKey ? 'primary key' : null, info.nullable ? 'nullable' : 'not null'].filter(Boolean).join(' · ');
  return (
    <div
      role="columnheader"
      aria-colindex={colIndex}
      aria-sort={sort ? (sort.direction === 'asc' ? 'ascending' : 'descending') : sortable ? 'none' : undefined}
      className={`grid__cell grid__cell--head${pinClasses(column)}${column.category === 'number' ? ' grid__cell--number' : ''}${sortable ? ' grid__cell--sortable' : ''}`}
      style={{ width: column.width, left: column.pinned ? gutterWidth + column.left : undefined }}
      title={`${info.name}: ${facts}${sortable ? '. Click to sort, Shift+click to add to the sort' : ''}${column.pinned ? '' : ' (drag to reorder)'}`}
      onClick={(e) => {
        if (sortable) onSort(e.shiftKey);
      }}
      draggable={!column.pinned}
      onDragStart={(e) => {
        // A drag that began on the resize edge is a resize, not a move.
        if (drag.current) e.preventDefault();
        else e.dataTransfer.setData(COLUMN_DRAG_TYPE, info.name);
      }}
      onDragOver={(e) => {
        if (!column.pinned && e.dataTransfer.types.includes(COLUMN_DRAG_TYPE)) e.preventDefault();
      }}
      onDrop={(e) => {
        const from = e.dataTransfer.getData(COLUMN_DRAG_TYPE);
        if (from) onDropColumn(from);
      }}
    >
      <span className="grid__col-name">
        {info.isPrimaryKey && <Icon name="key" className="grid__key" title="Primary key" />}
        <span className="grid__col-text">{info.name}</span>
        {sort && (
          <span className="grid__sort" aria-hidden="true">
            {sort.direction === 'asc' ? '▲' : '▼'}
            {sortKeys > 1 && <sub>{sort.rank}</sub>}
          </span>
        )}
      </span>
      <span className="grid__col-type">
        {column.shortType}
        {!info.nullable && !info.isPrimaryKey && <span className="grid__col-notnull">{NOT_NULL_SUFFIX}</span>}
        {'references' in info && typeof info.references === 'string' && <span className="grid__col-ref"> → {info.references}</span>}
      </span>
      {/* Mouse affordance only; widths start from a content-based estimate. Double-click resets. */}
      <div
        className="grid__resize"
        aria-hidden="true"
        onPointerDown={(e) => {
          e.preventDefault();
          drag.current = { startX: e.clientX, startWidth: column.width };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (drag.current) onResize(drag.current.startWidth + e.clientX - drag.current.startX);
        }}
        onPointerUp={() => (drag.current = null)}
        onClick={(e) => e.stopPropagation()}
        onPointerCancel={() => (drag.current = null)}
        onDoubleClick={() => onResize(null)}
      />
    </div>
  );
}

interface CellProps {
  readonly id: string;
  readonly column: GridColumn;
  readonly value: unknown;
  readonly gutterWidth: number;
  readonly colIndex: number;
  readonly active: boolean;
  readonly changed: boolean;
  readonly selected: boolean;
  readonly onSelect: (extend: boolean) => void;
  readonly onEdit: (() => void) | undefined;
  readonly onFollow: (() => void) | undefined;
  readonly onOpenNested: () => void;
  readonly editor: {
    readonly error: string | null;
    readonly onCommit: (text: string | null, moveRight: boolean) => void;
    readonly onCancel: () => void;
  } | null;
}

function Cell({
  id,
  column,
  value,
  gutterWidth,
  colIndex,
  active,
  changed,
  selected,
  onSelect,
  onEdit,
  onFollow,
  onOpenNested,
  editor,
}: CellProps) {
  const nested = column.info.nested;
  const nestedRows = nested ? nestedRowsOf(value) : null;
  const references = 'references' in column.info && typeof column.info.references === 'string' ? column.info.references : null;
  const display = formatCell(value, column.category);
  const classes = [`grid__cell grid__cell--${display.kind}${pinClasses(column)}`];
  if (column.category === 'number') classes.push('grid__cell--number');
  if (active) classes.push('grid__cell--active');
  if (changed) classes.push('grid__cell--changed');
  if (selected) classes.push('grid__cell--selected');
  if (editor) classes.push('grid__cell--editing');
  if (references && onFollow && display.kind !== 'null') classes.push('grid__cell--link');
  return (
    <div
      id={id}
      role="gridcell"
      aria-colindex={colIndex}
      aria-selected={active || selected || undefined}
      className={classes.join(' ')}
      style={{ width: column.width, left: column.pinned ? gutterWidth + column.left : undefined }}
      title={editor?.error ?? (display.kind === 'null' ? undefined : (display.title ?? undefined))}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection while extending the range
        onSelect(e.shiftKey);
      }}
      onDoubleClick={onEdit}
    >
      {editor ? (
        <CellEditor
          initial={value === null || value === undefined ? '' : cellClipboardText(value)}
          wasNull={value === null}
          label={`Edit ${column.info.name}`}
          {...editor}
        />
      ) : display.kind === 'null' ? (
        <span className="null-badge">NULL</span>
      ) : nested && nestedRows ? (
        nestedRows.length === 0 ? (
          <span className="grid__nested-empty">{nestedSummary(0, nested.noun)}</span>
        ) : (
          // One tab stop per grid: the button is for the mouse; Enter on the cell opens it too.
          <button
            type="button"
            className="grid__nested"
            tabIndex={-1}
            title={`Open these ${nested.noun} as a grid (Enter)`}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={onOpenNested}
          >
            {nestedSummary(nestedRows.length, nested.noun)} ▸
          </button>
        )
      ) : references && onFollow ? (
        <>
          <span className="grid__cell-text">{display.text}</span>
          <button
            type="button"
            className="grid__follow"
            tabIndex={-1}
            aria-label={`Open ${references} row ${display.text}`}
            title={`Open the ${references} row this refers to, in its own tab (Ctrl+Enter)`}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={onFollow}
          >
            →
          </button>
        </>
      ) : (
        display.text
      )}
    </div>
  );
}

/** The inline editor: Enter keeps, Tab keeps and moves right, Escape cancels. */
function CellEditor({
  initial,
  wasNull,
  label,
  error,
  onCommit,
  onCancel,
}: {
  initial: string;
  wasNull: boolean;
  label: string;
  error: string | null;
  onCommit: (text: string | null, moveRight: boolean) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  // An untouched NULL stays NULL rather than becoming an empty string.
  const result = () => (wasNull && text === '' ? null : text);
  return (
    <input
      className="grid__editor"
      aria-label={label}
      aria-invalid={error ? true : undefined}
      autoFocus
      value={text}
      onChange={(e) => setText(e.target.value)}
      onMouseDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') {
          e.preventDefault();
          onCommit(result(), false);
        } else if (e.key === 'Tab') {
          e.preventDefault();
          onCommit(result(), true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    />
  );
}
