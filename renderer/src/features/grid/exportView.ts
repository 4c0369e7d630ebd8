import type { PierApi } from '../../../../shared/contract/contract';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { fetchExportPage, type ExportFormat, type TableTarget } from '../../api/dataApi';
import { keysetColumn, keysetWindowQueryOf, stableOrder, windowQueryOf } from './gridQuery';

/** Rows per request while exporting: large enough to be quick, small enough to show progress. */
export const EXPORT_PAGE_ROWS = 5000;

/**
 * Joins export pages into one document without holding parsed rows: CSV pages each repeat the
 * header line, which only the first keeps; JSON pages are arrays whose items are spliced together.
 */
export function pageChunk(format: ExportFormat, body: string, first: boolean): string {
  if (format === 'csv') {
    if (first) return body.endsWith('\n') || body === '' ? body : `${body}\n`;
    const newline = body.indexOf('\n');
    const rows = newline < 0 ? '' : body.slice(newline + 1);
    return rows === '' || rows.endsWith('\n') ? rows : `${rows}\n`;
  }
  const inner = body.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return first ? '[' : '';
  return (first ? '[' : ',') + inner;
}

export function closingChunk(format: ExportFormat): string {
  return format === 'json' ? ']\n' : '';
}

export interface ExportProgress {
  readonly rows: number;
  /** Rows in the view, when counted. */
  readonly total: number | null;
}

/**
 * Every page of the view, in order, handed to `write` as text chunks as they arrive. Pages
 * continue by keyset when the view is sorted by a single-column key, else by offset.
 */
export async function exportView(options: {
  api: PierApi;
  target: TableTarget;
  query: ReadQuery;
  primaryKey: readonly string[];
  format: ExportFormat;
  total: number | null;
  write: (chunk: string) => Promise<void> | void;
  onProgress: (p: ExportProgress) => void;
  signal: AbortSignal;
}): Promise<number> {
  const { api, target, format, write, onProgress, signal, total } = options;
  const query = stableOrder(options.query, options.primaryKey);
  const keyset = keysetColumn(query, options.primaryKey);
  const jsonKeyset = format === 'json' || keyset === null ? keyset : null;
  let rows = 0;
  let after: unknown = undefined;
  let first = true;
  for (;;) {
    if (signal.aborted) throw new DOMException('Export cancelled', 'AbortError');
    // CSV pages carry no parsed rows to read the last key from, so CSV continues by offset.
    const page =
      jsonKeyset && after !== undefined
        ? keysetWindowQueryOf(query, jsonKeyset, after, rows, EXPORT_PAGE_ROWS)
        : windowQueryOf(query, rows, EXPORT_PAGE_ROWS);
    if (!page) break;
    const body = await fetchExportPage(api, target, serializeQuery(page), format);
    const count = format === 'csv' ? csvRowCount(body) : jsonRows(body, jsonKeyset?.name, (last) => (after = last));
    await write(pageChunk(format, body, first));
    first = false;
    rows += count;
    onProgress({ rows, total });
    if (count < EXPORT_PAGE_ROWS) break;
  }
  if (first) await write(pageChunk(format, format === 'json' ? '[]' : '', true));
  await write(closingChunk(format));
  return rows;
}

/** Data lines of a CSV page; quoted values may hold newlines, so count outside quotes. */
export function csvRowCount(body: string): number {
  let lines = 0;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) lines++;
  }
  if (body.length > 0 && !body.endsWith('\n')) lines++;
  return Math.max(0, lines - 1);
}

function jsonRows(body: string, keyName: string | undefined, onLast: (value: unknown) => void): number {
  const parsed: unknown = JSON.parse(body);
  if (!Array.isArray(parsed)) return 0;
  const last: unknown = parsed[parsed.length - 1];
  if (keyName && typeof last === 'object' && last !== null) onLast((last as Record<string, unknown>)[keyName]);
  return parsed.length;
}
