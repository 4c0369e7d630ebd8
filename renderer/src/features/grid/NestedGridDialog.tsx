import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { nestedColumns, nestedSummary, type NestedShape } from './nestedGrid';
import { ROW_HEIGHT, TableGrid } from './TableGrid';

const DIALOG_WIDTH = 640;
const HEADER_HEIGHT = 44;
/** Rows shown before the nested grid scrolls. */
const VISIBLE_ROWS = 8;

interface NestedGridDialogProps {
  readonly shape: NestedShape;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** The row it belongs to, for the title: "row 2", or "projects row 1" in a nested grid. */
  readonly owner: string;
  /** The cell it opened from: the dialog sits under it. */
  readonly anchor: HTMLElement | null;
  readonly onClose: () => void;
}

/**
 * A to-many embed's rows as a grid of their own, in a modal <dialog> under the cell: the browser
 * gives the focus trap and Esc, the top layer keeps it over the grid. Read-only; deeper to-many
 * embeds open the same way on top of it.
 */
export function NestedGridDialog({ shape, rows, owner, anchor, onClose }: NestedGridDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const columns = useMemo(() => nestedColumns(rows, shape.types), [rows, shape.types]);
  const cells = useMemo(() => rows.map((r) => columns.map((c) => r[c.name])), [rows, columns]);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);
  const title = `${shape.noun} of ${owner}`;
  const gridHeight = HEADER_HEIGHT + Math.max(1, Math.min(rows.length, VISIBLE_ROWS)) * ROW_HEIGHT + 2;

  useLayoutEffect(() => {
    const rect = anchor?.getBoundingClientRect();
    const width = Math.min(DIALOG_WIDTH, window.innerWidth - 16);
    const height = gridHeight + 90;
    const below = rect ? rect.bottom + 4 : 80;
    setPosition({
      left: Math.max(8, Math.min(rect?.left ?? 8, window.innerWidth - width - 8)),
      // Under the cell when it fits, else above it, else as low as the window allows.
      top: below + height <= window.innerHeight ? below : Math.max(8, rect ? rect.top - height - 4 : window.innerHeight - height - 8),
    });
  }, [anchor, gridHeight]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('[role="grid"]')?.focus();
  }, []);
  // Closed before the owner takes focus back: while a modal is open, everything under it is inert.
  const close = () => {
    ref.current?.close();
    onClose();
  };

  return createPortal(
    <dialog
      ref={ref}
      className="nested-grid"
      aria-label={title}
      style={{ top: position?.top ?? 0, left: position?.left ?? 0, width: Math.min(DIALOG_WIDTH, window.innerWidth - 16) }}
      // Events in a portal bubble through the React tree: keep them from the grid that opened this.
      onKeyDown={(e) => e.stopPropagation()}
      onFocus={(e) => e.stopPropagation()}
      onMouseDown={(e) => e.stopPropagation()}
      onCancel={(e) => {
        if (e.target !== e.currentTarget) return; // a deeper dialog's Esc is its own
        e.preventDefault();
        close();
      }}
    >
      <header className="nested-grid__head">
        <h2 className="nested-grid__title">{title}</h2>
        <span className="nested-grid__note">{nestedSummary(rows.length, shape.noun)} · read-only (edit them in their own table)</span>
        <button type="button" className="button button--small nested-grid__close" onClick={close} aria-label={`Close ${title}`}>
          ×
        </button>
      </header>
      <div style={{ height: gridHeight }} className="nested-grid__body">
        <TableGrid
          label={`${title} rows`}
          columns={columns}
          rowCount={rows.length}
          rowAt={(i) => cells[i]}
          sampleRows={cells}
          emptyMessage={nestedSummary(0, shape.noun)}
          rowNoun={shape.noun}
        />
      </div>
    </dialog>,
    document.body,
  );
}
