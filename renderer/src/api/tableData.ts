import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey } from '../../../shared/contract/location';
import type {
  CascadePreviewInput,
  CascadePreviewOutput,
  CsvFilter,
  ExportCsvStartInput,
  ImportCsvOutput,
} from '../../../shared/contract/tableData';
import type { TableTarget } from './dataApi';
import { unwrap } from './RpcCallError';

export type CascadeEdit = CascadePreviewInput['edits'][number];
export type CascadeTable = CascadePreviewOutput['tables'][number];

/**
 * What staged updates and deletes would do to other rows (cascading foreign keys, triggers), from
 * a run as the view's identity that is always rolled back. A mutation's helper, never cached.
 */
export async function previewCascades(api: PierApi, target: TableTarget, edits: readonly CascadeEdit[]): Promise<CascadePreviewOutput> {
  return unwrap(
    'tableData.cascadePreview',
    await api['tableData.cascadePreview']({
      at: target.at,
      viewAs: target.viewAs,
      schema: target.schema,
      table: target.table,
      edits: [...edits],
    }),
  );
}

export const tablesKeys = {
  all: ['tables'] as const,
  cascades: (target: TableTarget, edits: readonly CascadeEdit[]) =>
    [...tablesKeys.all, ...locationKey(target.at), 'cascades', target.schema, target.table, target.viewAs, JSON.stringify(edits)] as const,
};

/** The staged edits' reach into other tables, re-measured whenever they change (never reused later). */
export function cascadeQuery(api: PierApi, target: TableTarget, edits: readonly CascadeEdit[]) {
  return queryOptions({
    queryKey: tablesKeys.cascades(target, edits),
    queryFn: () => previewCascades(api, target, edits),
    enabled: edits.length > 0,
    staleTime: 0,
    gcTime: 0,
  });
}

/**
 * Exports a table as CSV through Postgres's COPY, handing each chunk to `write` as it arrives (a
 * file being written, or parts of a download). Returns the rows written; cancels on `signal`.
 */
export async function exportCsv(
  api: PierApi,
  target: TableTarget,
  view: { readonly columns: readonly string[]; readonly order: ExportOrder; readonly filters: readonly CsvFilter[] },
  write: (chunk: string) => Promise<void>,
  onProgress: (bytes: number) => void,
  signal: AbortSignal,
): Promise<number> {
  const { exportId } = unwrap(
    'tableData.exportCsvStart',
    await api['tableData.exportCsvStart']({
      at: target.at,
      viewAs: target.viewAs,
      schema: target.schema,
      table: target.table,
      columns: [...view.columns],
      order: view.order.map((o) => ({ ...o })),
      ...(view.filters.length > 0 && { filters: [...view.filters] }),
    }),
  );
  let bytes = 0;
  try {
    for (;;) {
      signal.throwIfAborted();
      const r = unwrap('tableData.exportCsvNext', await api['tableData.exportCsvNext']({ exportId }));
      if (r.chunk) await write(r.chunk);
      bytes += r.chunk.length;
      onProgress(bytes);
      if (r.done) return r.rows ?? 0;
    }
  } catch (e) {
    await api['tableData.exportCsvCancel']({ exportId });
    throw e;
  }
}

export type ExportOrder = ExportCsvStartInput['order'];

/** Previews (`commit: false`, always rolled back) or imports a CSV file into the table. */
export async function importCsv(api: PierApi, target: TableTarget, csv: string, commit: boolean): Promise<ImportCsvOutput> {
  return unwrap(
    'tableData.importCsv',
    await api['tableData.importCsv']({ at: target.at, viewAs: target.viewAs, schema: target.schema, table: target.table, csv, commit }),
  );
}
