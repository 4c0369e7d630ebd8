import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { unwrap } from './RpcCallError';

/** How many rows a freshly opened table shows. */
export const FIRST_ROWS_LIMIT = 100;

export const catalogKeys = {
  all: ['catalog'] as const,
  /** Without a branch: the prefix of every branch's schemas, and the embedded default's own key. */
  schemas: (branch?: string) => (branch ? ([...catalogKeys.all, 'schemas', branch] as const) : ([...catalogKeys.all, 'schemas'] as const)),
  /** A database on a cloud workspace's branch (under the same prefix, so "everything's schemas" still covers it). */
  cloudSchemas: (c: CloudDatabase) => [...catalogKeys.cloudBranch(c.workspaceId, c.branch), c.database] as const,
  /** Prefix of a cloud workspace's schemas (all its branches, or one branch's databases). */
  cloudBranch: (workspaceId: string, branch?: string) =>
    branch === undefined
      ? ([...catalogKeys.all, 'schemas', '@workspace', workspaceId] as const)
      : ([...catalogKeys.all, 'schemas', '@workspace', workspaceId, branch] as const),
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

/** A database on a branch of a cloud workspace (any workspace but `local`). */
export interface CloudDatabase {
  readonly workspaceId: string;
  readonly branch: string;
  readonly database: string;
}

/** The schemas of a database on a cloud branch, read over the workspace's own connection. */
export function cloudSchemasQuery(api: PierApi, c: CloudDatabase) {
  return queryOptions({
    queryKey: catalogKeys.cloudSchemas(c),
    queryFn: async () =>
      unwrap(
        'catalog.listSchemas',
        await api['catalog.listSchemas']({ workspaceId: c.workspaceId, branch: c.branch, database: c.database }),
      ),
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
