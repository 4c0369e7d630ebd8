import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import type { Location } from '../../../../shared/contract/location';
import { endpointStateQuery, useWakeEndpoint } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { EmptyState, ErrorPanel } from '../../ui/ErrorPanel';

/**
 * What a tab shows while its branch's endpoint sleeps: Pier wakes it (as a Lakebase compute wakes
 * when used) and says so, then shows the tab. While the state is being asked, or cannot be told,
 * the tab shows as usual: main wakes a sleeping endpoint on the first call anyway, this only says
 * why that call takes a while.
 */
export function EndpointGate({ at, children }: { at: Location; children: ReactNode }) {
  const api = usePierApi();
  const state = useQuery(endpointStateQuery(api, at));
  const wake = useWakeEndpoint(api, at);
  const asleep = state.data?.state === 'suspended';
  const { mutate, isIdle } = wake;
  useEffect(() => {
    if (asleep && isIdle) mutate();
  }, [asleep, isIdle, mutate]);

  if (wake.isError) return <ErrorPanel title="Could not wake the endpoint" error={wake.error} onRetry={() => wake.mutate()} />;
  if (asleep || wake.isPending) {
    return (
      <div role="status" aria-live="polite" aria-busy="true" className="endpoint-waking">
        <EmptyState icon="endpoint" title="Waking the endpoint…">
          <p>This branch&apos;s compute was suspended. Pier is starting it; the tab opens when it accepts connections.</p>
        </EmptyState>
      </div>
    );
  }
  return <>{children}</>;
}
