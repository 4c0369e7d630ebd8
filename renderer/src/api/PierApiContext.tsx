import { createContext, useContext, type ReactNode } from 'react';
import type { PierApi } from '../../../shared/contract/contract';

const PierApiContext = createContext<PierApi | null>(null);

/** Hands the chosen transport to the query factories; components never call it themselves. */
export function PierApiProvider({ api, children }: { api: PierApi; children: ReactNode }) {
  return <PierApiContext.Provider value={api}>{children}</PierApiContext.Provider>;
}

export function usePierApi(): PierApi {
  const api = useContext(PierApiContext);
  if (!api) throw new Error('usePierApi outside PierApiProvider');
  return api;
}
