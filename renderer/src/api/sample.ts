import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { catalogKeys } from './catalog';
import { dataApiKeys } from './dataApi';
import { tablesKeys } from './tables';
import { unwrap } from './RpcCallError';

/**
 * Puts the documentation's sample data back on a local branch. Afterwards everything read from
 * that branch's databricks_postgres (rows, counts, the schema tree, table designs) is read again.
 */
export function useResetSample(api: PierApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (branch: string) => unwrap('sample.reset', await api['sample.reset']({ branch })),
    onSuccess: (result) => {
      const at = { kind: 'local', branch: result.branch, database: result.database } as const;
      void queryClient.invalidateQueries({ queryKey: dataApiKeys.location(at) });
      void queryClient.invalidateQueries({ queryKey: catalogKeys.location(at) });
      void queryClient.invalidateQueries({ queryKey: tablesKeys.location(at) });
    },
  });
}
