import { formatCell, shortTypeName, typeCategory, type TypeCategory } from './cellFormat';
import { nestedRowsOf, nestedSummary, type NestedShape } from './nestedGrid';

/** What the grid knows of a column for its header and width: catalog-like facts. */
export interface ColumnInfo {
  readonly name: string;
  /** Type as Postgres formats it (format_type), e.g. "timestamp without time zone". */
  readonly type: string;
  readonly nullable: boolean;
  readonly isPrimaryKey: boolean;
  /** A to-many embed: its cells are a row count that opens the rows as a nested grid. */
  readonly nested?: NestedShape;
}

export interface GridColumn {
  /** Position of this column's value in each row array. */
  readonly dataIndex: number;
  readonly info: ColumnInfo;
  readonly category: TypeCategory;
  readonly shortType: string;
  readonly width: number;
  /** Primary-key columns stay visible while scrolling sideways. */
  readonly pinned: boolean;
  /** The last pinned column, which draws the edge that scrolled cells slide under. */
  readonly pinEdge: boolean;
  /** Offset from the grid's left edge (after the row-number gutter); pinned cells stick here. */
  readonly left: number;
}

export interface GridLayout {
  readonly columns: readonly GridColumn[];
  readonly gutterWidth: number;
  /** Gutter plus all columns. */
  readonly totalWidth: number;
  /** Gutter plus pinned columns: the part that never scrolls away. */
  readonly pinnedWidth: number;
}

export const MIN_COLUMN_WIDTH = 72;
export const MAX_COLUMN_WIDTH = 360;
/** Rows looked at to size columns; enough to be representative, cheap for big pages. */
const SAMPLE_ROWS = 50;
/** Generous advance of one character at 13px (Linux fallback fonts run wide); then cell padding. */
const CHAR_PX = 8;
const TYPE_CHAR_PX = 6.6;
const CELL_PADDING = 24;
const KEY_ICON_PX = 18;
export const NOT_NULL_SUFFIX = ' · not null';

/** Column order, widths and sticky offsets for the grid: primary key first, then catalog order. */
export function layoutGrid(
  columns: readonly ColumnInfo[],
  rows: readonly (readonly unknown[])[],
  /** Widths the user dragged, by column name; they win over the estimate. */
  widthOverrides: Readonly<Record<string, number>> = {},
  /** All rows of the view (only some are loaded); sizes the row-number gutter. */
  rowCount = rows.length,
  /** Column names in the order the user dragged them to; unnamed columns follow in catalog order. */
  columnOrder: readonly string[] = [],
): GridLayout {
  const rank = (name: string, dataIndex: number) => {
    const at = columnOrder.indexOf(name);
    return at >= 0 ? at : columnOrder.length + dataIndex;
  };
  const gutterWidth = Math.max(40, String(rowCount).length * 8 + 24);
  const ordered = columns
    .map((info, dataIndex) => ({ info, dataIndex }))
    .sort(
      (a, b) =>
        Number(b.info.isPrimaryKey) - Number(a.info.isPrimaryKey) || rank(a.info.name, a.dataIndex) - rank(b.info.name, b.dataIndex),
    );
  const sample = rows.slice(0, SAMPLE_ROWS);
  let left = 0;
  let pinnedWidth = gutterWidth;
  const laidOut = ordered.map(({ info, dataIndex }, index) => {
    const category = typeCategory(info.type);
    const shortType = shortTypeName(info.type);
    const override = widthOverrides[info.name];
    const width =
      override !== undefined
        ? clampColumnWidth(override)
        : columnWidth(
            info,
            shortType,
            category,
            sample.map((row) => row[dataIndex]),
          );
    const pinEdge = info.isPrimaryKey && ordered[index + 1]?.info.isPrimaryKey !== true;
    const column: GridColumn = { dataIndex, info, category, shortType, width, pinned: info.isPrimaryKey, pinEdge, left };
    left += width;
    if (column.pinned) pinnedWidth += width;
    return column;
  });
  return { columns: laidOut, gutterWidth, totalWidth: gutterWidth + left, pinnedWidth };
}

function columnWidth(info: ColumnInfo, shortType: string, category: TypeCategory, values: readonly unknown[]): number {
  const header = info.name.length * CHAR_PX + (info.isPrimaryKey ? KEY_ICON_PX : 0);
  // The header's second line reads "integer · not null" for required non-key columns.
  const reference = 'references' in info && typeof info.references === 'string' ? info.references.length + 3 : 0;
  const typeLabel = shortType.length + (!info.nullable && !info.isPrimaryKey ? NOT_NULL_SUFFIX.length : 0) + reference;
  const type = typeLabel * TYPE_CHAR_PX;
  let longest = 0;
  for (const value of values) {
    const rows = info.nested ? nestedRowsOf(value) : null;
    const cell = formatCell(value, category);
    // A to-many embed shows its summary button (plus its arrow), not its JSON.
    const chars =
      rows && info.nested ? nestedSummary(rows.length, info.nested.noun).length + 3 : cell.kind === 'null' ? 4 : cell.text.length;
    if (chars > longest) longest = chars;
  }
  const content = Math.max(header, type, longest * CHAR_PX) + CELL_PADDING;
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, content)));
}

/** Dragged widths may go wider than estimates do (to read long text), never narrower than the minimum. */
export const MAX_DRAGGED_WIDTH = 1200;

export function clampColumnWidth(px: number): number {
  return Math.round(Math.min(MAX_DRAGGED_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)));
}

/** The order after dragging column `from` onto column `to` (names; the pinned key stays first regardless). */
export function moveColumn(current: readonly string[], from: string, to: string): string[] {
  const without = current.filter((n) => n !== from);
  const at = without.indexOf(to);
  if (at < 0 || from === to) return [...current];
  // Dropping onto a column to the right puts it after that column, to the left before it.
  const after = current.indexOf(from) < current.indexOf(to);
  without.splice(after ? at + 1 : at, 0, from);
  return without;
}
