import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import type { PierApi } from '../../shared/contract/contract';
import { PierApiProvider } from './api/PierApiContext';
import { createQueryClient } from './api/queryClient';
import { Shell } from './shell/Shell';
import { CommandRegistryProvider } from './ui/commands/CommandRegistry';
import { ToastStore } from './ui/toasts/ToastStore';
import { ToastProvider } from './ui/toasts/ToastViewport';

/** Providers in one place: transport, query cache, toasts, palette commands. Features below only use hooks. */
export function App({ api }: { api: PierApi }) {
  const [toasts] = useState(() => new ToastStore());
  const [queryClient] = useState(() => createQueryClient(toasts));
  return (
    <PierApiProvider api={api}>
      <QueryClientProvider client={queryClient}>
        <ToastProvider store={toasts}>
          <CommandRegistryProvider>
            <Shell />
          </CommandRegistryProvider>
        </ToastProvider>
      </QueryClientProvider>
    </PierApiProvider>
  );
}
