import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { workspacesQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import type { WorkspaceHosts } from '../../ui/locationText';

/** Workspace id → host, for the titles of cloud tabs (empty until the workspaces are listed). */
export function useWorkspaceHosts(): WorkspaceHosts {
  const api = usePierApi();
  const workspaces = useQuery(workspacesQuery(api));
  return useMemo(() => new Map((workspaces.data ?? []).map((w) => [w.id, w.host])), [workspaces.data]);
}
