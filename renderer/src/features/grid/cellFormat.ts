import { assertNever } from '../../../../shared/contract/result';

/** How a column's values are shown, derived from its Postgres type (format_type spelling). */
export type TypeCategory = 'number' | 'boolean' | 'json' | 'time' | 'array' | 'text';

export type CellDisplay =
  | { readonly kind: 'null' }
  | { readonly kind: 'number' | 'boolean' | 'json' | 'time' | 'text'; readonly text: string; readonly title: string | null };

/** Longest text put in the DOM for one cell; the grid truncates visually long before this. */
const MAX_CELL_CHARS = 500;
/** Longest tooltip; a multi-megabyte value would freeze the tooltip renderer. */
const MAX_TITLE_CHARS = 2000;
/** Text at least this long gets a tooltip, as it may be cut by the column width. */
const TITLE_FROM_CHARS = 16;

const NUMBER_TYPE = /^(smallint|integer|bigint|numeric|decimal|real|double precision|money|oid)\b/;
const TIME_TYPE = /^(timestamp|date|time|interval)\b/;

export function typeCategory(type: string): TypeCategory {
  if (type.endsWith(']')) return 'array';
  if (NUMBER_TYPE.test(type)) return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'json' || type === 'jsonb') return 'json';
  if (TIME_TYPE.test(type)) return 'time';
  return 'text';
}

/** Cell text as a person expects it: NULL distinct from empty, JSON compact, numbers and times as given. */
export function formatCell(value: unknown, category: TypeCategory): CellDisplay {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'boolean', text: String(value), title: null };
  if (typeof value === 'number' || typeof value === 'bigint') return { kind: 'number', text: String(value), title: null };
  if (typeof value === 'object') return withTitle('json', JSON.stringify(value));
  const text = String(value);
  switch (category) {
    case 'number':
      return { kind: 'number', text, title: null };
    case 'time':
      return withTitle('time', text);
    case 'json':
      // A JSON string in a json column keeps its quotes so it reads differently from text.
      return withTitle('json', JSON.stringify(text));
    case 'array':
      return withTitle('json', text);
    case 'boolean':
    case 'text':
      return withTitle('text', text);
    default:
      return assertNever(category, 'type category');
  }
}

/** The plain text of a cell for the clipboard: the full value, not the truncated display. */
export function cellClipboardText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function withTitle(kind: 'json' | 'time' | 'text', full: string): CellDisplay {
  const oneLine = full.replace(/\r?\n/g, ' ↵ ');
  const text = oneLine.length > MAX_CELL_CHARS ? `${oneLine.slice(0, MAX_CELL_CHARS)}…` : oneLine;
  const needsTitle = full.length >= TITLE_FROM_CHARS || oneLine !== full;
  const title = needsTitle ? (full.length > MAX_TITLE_CHARS ? `${full.slice(0, MAX_TITLE_CHARS)}…` : full) : null;
  return { kind, text, title };
}

const SHORT_TYPES: readonly (readonly [RegExp, string])[] = [
  [/^timestamp(\(\d+\))? without time zone/, 'timestamp$1'],
  [/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1'],
  [/^time(\(\d+\))? without time zone/, 'time$1'],
  [/^time(\(\d+\))? with time zone/, 'timetz$1'],
  [/^character varying/, 'varchar'],
  [/^character/, 'char'],
  [/^double precision/, 'float8'],
  [/^bit varying/, 'varbit'],
];

/** Compact type names for the column header; the full name is in its tooltip. */
export function shortTypeName(type: string): string {
  for (const [pattern, replacement] of SHORT_TYPES) {
    if (pattern.test(type)) return type.replace(pattern, replacement);
  }
  return type;
}
