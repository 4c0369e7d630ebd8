export interface CellPosition {
  readonly row: number;
  readonly col: number;
}

export interface GridBounds {
  readonly rows: number;
  readonly cols: number;
  /** Rows that fit in the viewport, for PageUp/PageDown. */
  readonly pageRows: number;
}

/** The WAI-ARIA grid keyboard pattern: where the active cell goes for a key, or null if the key is not ours. */
export function moveActiveCell(key: string, ctrl: boolean, at: CellPosition, bounds: GridBounds): CellPosition | null {
  if (bounds.rows === 0 || bounds.cols === 0) return null;
  const clamp = (row: number, col: number): CellPosition => ({
    row: Math.min(bounds.rows - 1, Math.max(0, row)),
    col: Math.min(bounds.cols - 1, Math.max(0, col)),
  });
  const page = Math.max(1, bounds.pageRows - 1);
  switch (key) {
    case 'ArrowDown':
      return clamp(at.row + 1, at.col);
    case 'ArrowUp':
      return clamp(at.row - 1, at.col);
    case 'ArrowRight':
      return clamp(at.row, at.col + 1);
    case 'ArrowLeft':
      return clamp(at.row, at.col - 1);
    case 'PageDown':
      return clamp(at.row + page, at.col);
    case 'PageUp':
      return clamp(at.row - page, at.col);
    case 'Home':
      return ctrl ? clamp(0, 0) : clamp(at.row, 0);
    case 'End':
      return ctrl ? clamp(bounds.rows - 1, bounds.cols - 1) : clamp(at.row, bounds.cols - 1);
    default:
      return null;
  }
}

/** A block of cells from an anchor to the active cell, inclusive, whichever way it was dragged. */
export interface CellRange {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

export function rangeBetween(anchor: CellPosition, active: CellPosition): CellRange {
  return {
    top: Math.min(anchor.row, active.row),
    bottom: Math.max(anchor.row, active.row),
    left: Math.min(anchor.col, active.col),
    right: Math.max(anchor.col, active.col),
  };
}

/** Rows copied at most; a million-row selection would not fit the clipboard anyway. */
export const MAX_COPY_ROWS = 10_000;

/**
 * The range as tab-separated text (what spreadsheets paste). Tabs and newlines inside values
 * become spaces so the grid shape survives; rows not loaded yet copy as empty cells.
 */
export function rangeAsTsv(range: CellRange, cellText: (row: number, col: number) => string): string {
  const lines: string[] = [];
  const bottom = Math.min(range.bottom, range.top + MAX_COPY_ROWS - 1);
  for (let row = range.top; row <= bottom; row++) {
    const cells: string[] = [];
    for (let col = range.left; col <= range.right; col++) cells.push(cellText(row, col).replace(/[\t\r\n]+/g, ' '));
    lines.push(cells.join('\t'));
  }
  return lines.join('\n');
}
