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
