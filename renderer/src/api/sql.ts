import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import type { SqlRunInput, SqlRunOutput } from '../../../shared/contract/sql';
import { adminKeys } from './admin';
import { catalogKeys } from './catalog';
import { dataApiKeys } from './dataApi';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

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
      if (output.kind === 'ok' && output.results.some((r) => r.command !== 'SELECT')) {
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
