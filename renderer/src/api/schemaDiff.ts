import { queryOptions, skipToken } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { locationKey, type Location } from '../../../shared/contract/location';
import { unwrap } from './RpcCallError';

/** What the user asked to compare: both sides and the schema filter (empty: every schema). */
export interface SchemaDiffRequest {
  readonly left: Location;
  readonly right: Location;
  readonly schemas: readonly string[];
}

/** The schema diff of two locations; nothing runs until a request is given (the Compare button). */
export function schemaDiffQuery(api: PierApi, request: SchemaDiffRequest | null) {
  return queryOptions({
    queryKey: request
      ? (['schemaDiff', ...locationKey(request.left), ...locationKey(request.right), [...request.schemas]] as const)
      : (['schemaDiff', 'none'] as const),
    queryFn: request
      ? async () =>
          unwrap(
            'schemaDiff.compare',
            await api['schemaDiff.compare']({ left: request.left, right: request.right, schemas: [...request.schemas] }),
          )
      : skipToken,
    // A diff is a picture of one moment: it is taken again on request, not behind the user's back.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    meta: { errorDisplay: 'inline' },
  });
}
