import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey, type Location } from '../../../shared/contract/location';
import type { SqlExportFormat, SqlRunInput, SqlRunOutput } from '../../../shared/contract/sql';
import type { ViewAs } from '../../../shared/contract/dataApi';
import { adminKeys } from './admin';
import { catalogKeys } from './catalog';
import { dataApiKeys } from './dataApi';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

export const sqlKeys = {
  /** Under the catalog's key: what refreshes the tree refreshes completion. */
  catalog: (at: Location) => [...catalogKeys.all, 'sqlCatalog', ...locationKey(at)] as const,
};

/**
 * A run is a command, not a cached query: the editor keeps its result in its own state. Anything
 * but a read may have changed tables, grants or rows the other views show, so those refresh.
 */
export function useRunSql(): (input: SqlRunInput) => Promise<SqlRunOutput> {
  const api = usePierApi();
  const client = useQueryClient();
  return useCallback(
    async (input) => {
      const output = unwrap('sql.run', await api['sql.run'](input));
      if (output.kind === 'ok' && (output.schemaChanged || output.results.some((r) => r.command !== 'SELECT'))) {
        for (const queryKey of [adminKeys.all, catalogKeys.all, dataApiKeys.all]) void client.invalidateQueries({ queryKey });
      }
      return output;
    },
    [api, client],
  );
}

export async function cancelSql(api: PierApi, runId: string) {
  return unwrap('sql.cancel', await api['sql.cancel']({ runId }));
}

export async function fetchSqlRows(api: PierApi, resultId: string, count: number) {
  return unwrap('sql.fetch', await api['sql.fetch']({ resultId, count }));
}

/** Closing is housekeeping: a result already gone is fine, and a failure to say so is not the user's problem. */
export function closeSqlResult(api: PierApi, resultId: string): void {
  void api['sql.close']({ resultId }).catch(() => undefined);
}

export async function analyzeSql(api: PierApi, sql: string) {
  return unwrap('sql.analyze', await api['sql.analyze']({ sql }));
}

export async function exportSql(api: PierApi, input: { at: Location; sql: string; viewAs: ViewAs; format: SqlExportFormat }) {
  return unwrap('sql.export', await api['sql.export'](input));
}

/** Relations with their columns, and function names: what completion offers. */
export function sqlCatalogQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: sqlKeys.catalog(at),
    queryFn: async () => unwrap('sql.catalog', await api['sql.catalog']({ at })),
    staleTime: 60_000,
    meta: { errorDisplay: 'inline' },
  });
}
