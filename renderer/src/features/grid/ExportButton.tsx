import { useRef, useState } from 'react';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import type { ExportFormat, TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { exportCsv } from '../../api/tableData';
import { copyExportOf } from './copyExport';
import { exportView, type ExportProgress } from './exportView';

type ExportState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly format: ExportFormat; readonly progress: ExportProgress }
  | { readonly kind: 'copying'; readonly bytes: number }
  | { readonly kind: 'done'; readonly rows: number; readonly file: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Chromium's File System Access API: where present, the export streams straight into the file. */
interface SavePickerWindow {
  showSaveFilePicker?: (options: {
    suggestedName: string;
  }) => Promise<{ createWritable: () => Promise<{ write: (s: string) => Promise<void>; close: () => Promise<void> }> }>;
}

/**
 * Exports the current view, all pages, as JSON through the Data API, or as CSV through Postgres's
 * COPY (its CSV round-trips any value and column name; the Data API's does not), with progress
 * and cancel.
 */
export function ExportButton({
  target,
  query,
  primaryKey,
  columnNames,
  total,
}: {
  target: TableTarget;
  query: ReadQuery;
  primaryKey: readonly string[];
  /** The table's columns (COPY exports plain columns of the table only). */
  columnNames: readonly string[];
  total: number | null;
}) {
  const copy = copyExportOf(query, columnNames);
  const api = usePierApi();
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const start = async (format: ExportFormat) => {
    const file = `${target.table}.${format}`;
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'running', format, progress: { rows: 0, total } });
    const picker = (window as unknown as SavePickerWindow).showSaveFilePicker;
    const parts: string[] = [];
    let writable: Awaited<ReturnType<Awaited<ReturnType<NonNullable<SavePickerWindow['showSaveFilePicker']>>>['createWritable']>> | null =
      null;
    try {
      if (picker && !navigator.webdriver) writable = await (await picker({ suggestedName: file })).createWritable();
    } catch {
      writable = null; // the user closed the picker: fall back to a download
    }
    try {
      const write = async (chunk: string) => {
        if (writable) await writable.write(chunk);
        else parts.push(chunk);
      };
      if (format === 'csv') {
        setState({ kind: 'copying', bytes: 0 });
        const rows = await exportCsv(api, target, copy, write, (bytes) => setState({ kind: 'copying', bytes }), controller.signal);
        if (writable) await writable.close();
        else download(file, parts, 'text/csv');
        setState({ kind: 'done', rows, file });
        return;
      }
      const rows = await exportView({
        api,
        target,
        query,
        primaryKey,
        format,
        total,
        signal: controller.signal,
        write,
        onProgress: (progress) => setState({ kind: 'running', format, progress }),
      });
      if (writable) await writable.close();
      else download(file, parts, 'application/json');
      setState({ kind: 'done', rows, file });
    } catch (e) {
      setState(controller.signal.aborted ? { kind: 'idle' } : { kind: 'failed', message: describeError(e).message });
    }
  };

  if (state.kind === 'copying') {
    return (
      <span className="export" role="status" aria-label="Export progress">
        <progress />
        {(state.bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KB
        <button type="button" className="button button--small" onClick={() => abort.current?.abort()}>
          Cancel
        </button>
      </span>
    );
  }
  if (state.kind === 'running') {
    const { rows, total: of } = state.progress;
    return (
      <span className="export" role="status" aria-label="Export progress">
        <progress max={of ?? undefined} value={of ? rows : undefined} />
        {rows.toLocaleString('en-US')}
        {of !== null ? ` / ${of.toLocaleString('en-US')}` : ''} rows
        <button type="button" className="button button--small" onClick={() => abort.current?.abort()}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <span className="export">
      <select
        aria-label="Export"
        title={
          copy.whole
            ? 'CSV comes from Postgres’s COPY of the table: this view’s paging, embeds, aliases or operators beyond plain comparisons cannot be applied, so it is the whole table'
            : 'CSV comes from Postgres’s COPY of this view: its columns, filters and sort'
        }
        value=""
        onChange={(e) => {
          const format = e.target.value as ExportFormat | '';
          if (format) void start(format);
        }}
      >
        <option value="">Export…</option>
        <option value="csv">{copy.whole ? 'CSV (whole table)' : copy.filters.length ? 'CSV (filtered rows)' : 'CSV (all rows)'}</option>
        <option value="json">JSON (all rows)</option>
      </select>
      {state.kind === 'done' && (
        <span className="export__note" role="status">
          {state.rows.toLocaleString('en-US')} rows → {state.file}
        </span>
      )}
      {state.kind === 'failed' && (
        <span className="export__note export__note--error" role="alert">
          Export failed: {state.message}
        </span>
      )}
    </span>
  );
}

function download(file: string, parts: string[], type: string) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
