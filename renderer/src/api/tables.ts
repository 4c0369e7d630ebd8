import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { PierApi } from '../../../shared/contract/contract';
import type { ApplyOutput } from '../../../shared/contract/admin';
import { locationKey, type Location } from '../../../shared/contract/location';
import type { DropTarget, TableChangeInput } from '../../../shared/contract/tables';
import { adminKeys } from './admin';
import { catalogKeys } from './catalog';
import { dataApiKeys } from './dataApi';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

/** The table designer's reads: the types a column may have, a table's structure, what a drop takes with it. */
export const tablesKeys = {
  all: ['tables'] as const,
  location: (at: Location) => [...tablesKeys.all, ...locationKey(at)] as const,
  types: (at: Location) => [...tablesKeys.location(at), 'types'] as const,
  design: (at: Location, schema: string, table: string) => [...tablesKeys.location(at), 'design', schema, table] as const,
  dependents: (at: Location, schema: string, table: string, target: DropTarget) =>
    [...tablesKeys.location(at), 'dependents', schema, table, JSON.stringify(target)] as const,
};

export function columnTypesQuery(api: PierApi, at: Location) {
  return queryOptions({
    queryKey: tablesKeys.types(at),
    queryFn: async () => unwrap('tables.types', await api['tables.types']({ at })),
    meta: { errorDisplay: 'inline' },
  });
}

export function tableDesignQuery(api: PierApi, at: Location, schema: string, table: string) {
  return queryOptions({
    queryKey: tablesKeys.design(at, schema, table),
    queryFn: async () => unwrap('tables.describe', await api['tables.describe']({ at, schema, table })),
    meta: { errorDisplay: 'inline' },
  });
}

/** Read fresh each time a drop is staged: what depends on an object changes with every other change. */
export function dependentsQuery(api: PierApi, at: Location, schema: string, table: string, target: DropTarget) {
  return queryOptions({
    queryKey: tablesKeys.dependents(at, schema, table, target),
    queryFn: async () => unwrap('tables.dependents', await api['tables.dependents']({ at, schema, table, target })),
    meta: { errorDisplay: 'inline' },
    staleTime: 0,
  });
}

/**
 * Plan and apply of a table change. Apply sends the statements the user reviewed; main runs them
 * only if the change still builds exactly those. An applied change refreshes the tree, the table
 * designers, the grids (their Data API reads) and the admin views of every location (a cloud
 * workspace may be this very Postgres seen through its own API).
 */
export function useTableChanges(at: Location) {
  const api = usePierApi();
  const client = useQueryClient();
  return useMemo(() => {
    const refreshed = (out: ApplyOutput) => {
      if (out.kind === 'applied') {
        for (const queryKey of [tablesKeys.all, catalogKeys.all, dataApiKeys.all, adminKeys.all])
          void client.invalidateQueries({ queryKey });
      }
      return out;
    };
    return {
      plan: async (change: TableChangeInput) => unwrap('tables.planChange', await api['tables.planChange']({ at, change })),
      apply: async (change: TableChangeInput, reviewed: string[]) =>
        refreshed(unwrap('tables.applyChange', await api['tables.applyChange']({ at, change, reviewed }))),
    };
  }, [api, client, at]);
}
