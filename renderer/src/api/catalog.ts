import { queryOptions, skipToken } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey, type Location } from '../../../shared/contract/location';
import { unwrap } from './RpcCallError';

/**
 * Schemas are keyed by location (workspace, branch, database), so a workspace's or a branch's
 * prefix reaches all of its databases: an operation on a branch refreshes that branch only.
 */
export const catalogKeys = {
  all: ['catalog'] as const,
  /** Every location's schemas. */
  schemas: () => [...catalogKeys.all, 'schemas'] as const,
  workspace: (workspaceId: string) => [...catalogKeys.schemas(), workspaceId] as const,
  branch: (workspaceId: string, branch: string) => [...catalogKeys.workspace(workspaceId), branch] as const,
  location: (at: Location) => [...catalogKeys.schemas(), ...locationKey(at)] as const,
};

/** The schemas, tables and routines of one database: the tree's, the SQL editor's completion, the tools' table pick. */
export function schemasQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: catalogKeys.location(at),
    queryFn: async () => unwrap('catalog.listSchemas', await api['catalog.listSchemas']({ at })),
    // The explorer shows its own error state with a retry button.
    meta: { errorDisplay: 'inline' },
  });
}

/** As schemasQuery, for a location not known yet (home before app.status answers): nothing is asked until it is. */
export function schemasQueryIfKnown(api: PierApi, at: Location | undefined) {
  return queryOptions({
    queryKey: at ? catalogKeys.location(at) : catalogKeys.schemas(),
    queryFn: at ? async () => unwrap('catalog.listSchemas', await api['catalog.listSchemas']({ at })) : skipToken,
    meta: { errorDisplay: 'inline' },
  });
}

/**
 * One schema's tables, keys and foreign keys: the ER diagram's. Under the location's key, so what
 * refreshes the location's schemas (a branch operation, DDL in the SQL editor) redraws it too.
 */
export function schemaGraphQuery(api: PierApi, at: Location, schema: string) {
  return queryOptions({
    queryKey: [...catalogKeys.location(at), 'graph', schema] as const,
    queryFn: async () => unwrap('catalog.schemaGraph', await api['catalog.schemaGraph']({ at, schema })),
    meta: { errorDisplay: 'inline' },
  });
}
