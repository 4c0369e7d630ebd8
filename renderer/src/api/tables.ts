import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey } from '../../../shared/contract/location';
import type { CascadePreviewInput, CascadePreviewOutput } from '../../../shared/contract/tables';
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
    'tables.cascadePreview',
    await api['tables.cascadePreview']({
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
