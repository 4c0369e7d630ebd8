import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import { unwrap } from './RpcCallError';

/** Often enough that a waiting sign-in (its client holds an HTTP request open) is shown at once. */
const PENDING_POLL_MS = 1_000;

export const signInKeys = {
  all: ['signIn'] as const,
  pending: () => [...signInKeys.all, 'pending'] as const,
};

/** Sign-ins of the local OIDC issuer waiting for this user's decision. */
export function pendingSignInsQuery(api: PierApi) {
  return queryOptions({
    queryKey: signInKeys.pending(),
    queryFn: async () => unwrap('signIn.pending', await api['signIn.pending']({})).requests,
    refetchInterval: PENDING_POLL_MS,
    staleTime: 0,
    // A failed poll says nothing the status bar does not already say.
    meta: { errorDisplay: 'inline' },
  });
}

export async function decideSignIn(api: PierApi, id: string, approve: boolean) {
  return unwrap('signIn.decide', await api['signIn.decide']({ id, approve }));
}

/** Approves or denies one waiting sign-in; the list of waiting ones is read again after. */
export function useDecideSignIn(api: PierApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (approve: boolean) => decideSignIn(api, id, approve),
    onSettled: () => queryClient.invalidateQueries({ queryKey: signInKeys.pending() }),
  });
}
