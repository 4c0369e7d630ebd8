import { QueryClientProvider, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import type { PierApi } from '../../../../shared/contract/contract';
import { PierApiProvider, usePierApi } from '../../api/PierApiContext';
import { createQueryClient } from '../../api/queryClient';
import { useToasts } from '../../ui/toasts/ToastViewport';
import type { ToastStore } from '../../ui/toasts/ToastStore';

/** Every call that can read a branch, sent to `branch`; the rest pass through unchanged. */
export function branchScopedApi(api: PierApi, branch: string): PierApi {
  return {
    ...api,
    'catalog.listSchemas': (input) => api['catalog.listSchemas']({ ...input, branch }),
    'catalog.readRows': (input) => api['catalog.readRows']({ ...input, branch }),
    'dataApi.request': (input) => api['dataApi.request']({ ...input, branch }),
    'dataApi.describe': (input) => api['dataApi.describe']({ ...input, branch }),
    'dataApi.identities': (input) => api['dataApi.identities']({ ...input, branch }),
  };
}

// One cache per branch, kept across tab switches (only the active tab is mounted).
const branchClients = new WeakMap<QueryClient, Map<string, QueryClient>>();

function clientFor(parent: QueryClient, branch: string, toasts: ToastStore): QueryClient {
  let byBranch = branchClients.get(parent);
  if (!byBranch) branchClients.set(parent, (byBranch = new Map()));
  let client = byBranch.get(branch);
  if (!client) byBranch.set(branch, (client = createQueryClient(toasts)));
  return client;
}

/**
 * Lets a view written for the embedded default (the grid) read another local branch: its calls
 * carry the branch, and its queries live in that branch's own cache, since the view's query keys
 * do not name the branch. Without a branch it changes nothing. Once the grid puts the branch in
 * its calls and keys itself, this wrapper can go.
 */
export function BranchScope({ branch, children }: { branch: string | undefined; children: ReactNode }) {
  const api = usePierApi();
  const parent = useQueryClient();
  const toasts = useToasts();
  const scoped = useMemo(() => (branch ? { api: branchScopedApi(api, branch), client: clientFor(parent, branch, toasts) } : null), [api, parent, branch, toasts]);
  if (!scoped) return <>{children}</>;
  return (
    <PierApiProvider api={scoped.api}>
      <QueryClientProvider client={scoped.client}>{children}</QueryClientProvider>
    </PierApiProvider>
  );
}
