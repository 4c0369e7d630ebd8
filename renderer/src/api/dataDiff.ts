import { queryOptions } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import type { DataDiffKind, DataDiffStartInput } from '../../../shared/contract/dataDiff';
import { locationKey } from '../../../shared/contract/location';
import { unwrap } from './RpcCallError';

/** Rows per page of the differing-rows list. */
export const DATA_DIFF_PAGE_ROWS = 50;

/**
 * A comparison's keys hold both sides and the table; a page's also the diff it reads from (a new
 * comparison is a new diff), the kinds shown and the offset.
 */
export const dataDiffKeys = {
  all: ['dataDiff'] as const,
  summary: (input: DataDiffStartInput, run: number) =>
    [...dataDiffKeys.all, 'summary', ...locationKey(input.base), ...locationKey(input.target), input.schema, input.table, run] as const,
  page: (diffId: string, kinds: readonly DataDiffKind[], offset: number) =>
    [...dataDiffKeys.all, 'page', diffId, [...kinds], offset] as const,
};

/** Compares the table on both sides (counts); `run` makes "Compare again" a new comparison. */
export function dataDiffSummaryQuery(api: PierApi, input: DataDiffStartInput | null, run: number) {
  return queryOptions({
    queryKey: input ? dataDiffKeys.summary(input, run) : [...dataDiffKeys.all, 'none'],
    queryFn: async () => unwrap('dataDiff.start', await api['dataDiff.start'](input!)),
    enabled: input !== null,
    staleTime: Infinity,
    // Kept while main keeps the diff (an hour unused), so a tab switched away from shows it again.
    gcTime: 60 * 60_000,
    retry: false,
    meta: { errorDisplay: 'inline' },
  });
}

export function dataDiffPageQuery(api: PierApi, diffId: string | undefined, kinds: readonly DataDiffKind[], offset: number) {
  return queryOptions({
    queryKey: dataDiffKeys.page(diffId ?? '', kinds, offset),
    queryFn: async () =>
      unwrap('dataDiff.page', await api['dataDiff.page']({ diffId: diffId!, kinds: [...kinds], offset, limit: DATA_DIFF_PAGE_ROWS })),
    enabled: diffId !== undefined && kinds.length > 0,
    staleTime: Infinity,
    retry: false,
    meta: { errorDisplay: 'inline' },
  });
}

/** Lets main forget a comparison the tab no longer shows. */
export async function closeDataDiff(api: PierApi, diffId: string): Promise<void> {
  await api['dataDiff.close']({ diffId });
}
