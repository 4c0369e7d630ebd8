import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { unwrap } from './RpcCallError';

/** How many rows a freshly opened table shows. */
export const FIRST_ROWS_LIMIT = 100;

export const catalogKeys = {
  all: ['catalog'] as const,
  /** Without a branch: the prefix of every branch's schemas, and the embedded default's own key. */
  schemas: (branch?: string) => (branch ? ([...catalogKeys.all, 'schemas', branch] as const) : ([...catalogKeys.all, 'schemas'] as const)),
  rows: (schema: string, table: string, limit: number) => [...catalogKeys.all, 'rows', schema, table, limit] as const,
};

/** `branch`: a full branch name of the local workspace; omitted = the embedded default. */
export function schemasQuery(api: PierApi, branch?: string) {
  return queryOptions({
    queryKey: catalogKeys.schemas(branch),
    queryFn: async () => unwrap('catalog.listSchemas', await api['catalog.listSchemas'](branch ? { branch } : {})),
    // The explorer shows its own error state with a retry button.
    meta: { errorDisplay: 'inline' },
  });
}

export function rowsQuery(api: PierApi, schema: string, table: string, limit = FIRST_ROWS_LIMIT) {
  return queryOptions({
    queryKey: catalogKeys.rows(schema, table, limit),
    queryFn: async () => unwrap('catalog.readRows', await api['catalog.readRows']({ schema, table, limit })),
    // The grid shows its own error state with a retry button, so no toast for these.
    meta: { errorDisplay: 'inline' },
  });
}
