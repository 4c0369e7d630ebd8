import { QueryCache, QueryClient } from '@tanstack/react-query';
import type { ToastStore } from '../ui/toasts/ToastStore';
import { appKeys } from './app';
import { RpcCallError, describeError } from './RpcCallError';
import { TRANSPORT_ERRORS } from './transport';

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: {
      /** 'inline': the component shows this query's errors itself, so no toast (unless the server is gone). */
      errorDisplay?: 'inline' | 'toast';
    };
  }
}

/** Unreachable-server errors are worth a couple of quick retries; answered errors are not. */
const UNREACHABLE_RETRIES = 2;

/**
 * One client per window. Query errors become toasts, except where a component shows them in
 * place, and except a rejected session, which replaces the whole page instead. Toasts that a
 * later success disproves are withdrawn, so the screen never shows a healed error.
 */
export function createQueryClient(toasts: ToastStore): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (error instanceof RpcCallError && error.code === TRANSPORT_ERRORS.sessionRejected) return;
        const unreachable = error instanceof RpcCallError && error.isUnreachable;
        if (query.meta?.errorDisplay === 'inline' && !unreachable) return;
        const { code, message, hint } = describeError(error);
        toasts.push({ tone: 'error', message, hint, code, source: query.queryHash });
      },
      // A success proves the server is reachable and this query healthy: withdraw what said otherwise.
      onSuccess: (_data, query) => {
        toasts.dismissWhere({ source: query.queryHash, codes: [TRANSPORT_ERRORS.unreachable] });
        // The status bar would otherwise say "unreachable" until its next poll.
        if (client.getQueryState(appKeys.status())?.status === 'error') void client.invalidateQueries({ queryKey: appKeys.status() });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => error instanceof RpcCallError && error.isUnreachable && failures < UNREACHABLE_RETRIES,
      },
    },
  });
  return client;
}
