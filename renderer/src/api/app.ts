import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PierApi } from '../../../shared/contract/contract';
import type { Location } from '../../../shared/contract/location';
import { usePierApi } from './PierApiContext';
import { unwrap } from './RpcCallError';

/** Polled so the status bar notices a lost connection without a user action. */
const STATUS_POLL_MS = 15_000;

export const appKeys = {
  all: ['app'] as const,
  status: () => [...appKeys.all, 'status'] as const,
  about: () => [...appKeys.all, 'about'] as const,
};

export function appStatusQuery(api: PierApi) {
  return queryOptions({
    queryKey: appKeys.status(),
    queryFn: async () => unwrap('app.status', await api['app.status']({})),
    refetchInterval: STATUS_POLL_MS,
    staleTime: STATUS_POLL_MS,
  });
}

/**
 * The home location: the embedded default's (or --database-url's) database, where the app opens
 * and what tabs saved without a location meant. Undefined until app.status has answered once.
 */
export function useHome(): Location | undefined {
  const api = usePierApi();
  return useQuery(appStatusQuery(api)).data?.home;
}

/** Versions, folders and how updates arrive: what About shows. */
export function appAboutQuery(api: PierApi) {
  return queryOptions({
    queryKey: appKeys.about(),
    queryFn: async () => unwrap('app.about', await api['app.about']({})),
  });
}

export function openLogsFolderMutation(api: PierApi) {
  return { mutationFn: async () => unwrap('app.openLogsFolder', await api['app.openLogsFolder']({})) };
}

export function checkForUpdatesMutation(api: PierApi) {
  return { mutationFn: async () => unwrap('app.checkForUpdates', await api['app.checkForUpdates']({})) };
}
